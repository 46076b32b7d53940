//go:build unix

package devtf

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// long is a WaitDelay no test waits out: a test that returns before it did
// not need it.
const long = time.Hour

// Cancelling the context interrupts the command, which exits on its own
// with its own exit code.
func TestCommand_cancelInterrupts(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cmd, _ := startChild(ctx, t, "interruptible", func(c *Cmd) { c.WaitDelay = long })
	cancel()
	code, err := cmd.Wait()
	if code != 3 {
		t.Errorf("exit code %d (%v), want 3: the child's own code after SIGINT", code, err)
	}
}

// A command that ignores the interrupt is killed WaitDelay later.
func TestCommand_killedAfterWaitDelay(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cmd, _ := startChild(ctx, t, "stubborn", func(c *Cmd) { c.WaitDelay = 50 * time.Millisecond })
	cancel()
	code, err := cmd.Wait()
	if code != -1 || !killed(err) {
		t.Errorf("Wait = %d, %v; want -1, killed", code, err)
	}
}

// Abort kills the command at once, without waiting out WaitDelay.
func TestCommand_abortKills(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	abort := make(chan struct{})
	cmd, _ := startChild(ctx, t, "stubborn", func(c *Cmd) {
		c.WaitDelay = long
		c.Abort = abort
	})
	cancel()
	close(abort)
	code, err := cmd.Wait()
	if code != -1 || !killed(err) {
		t.Errorf("Wait = %d, %v; want -1, killed", code, err)
	}
}

// Abort alone kills too; with no WaitDelay nothing else would.
func TestCommand_abortWithoutCancel(t *testing.T) {
	t.Parallel()
	abort := make(chan struct{})
	cmd, _ := startChild(t.Context(), t, "stubborn", func(c *Cmd) {
		c.WaitDelay = 0
		c.Abort = abort
	})
	close(abort)
	if code, err := cmd.Wait(); code != -1 || !killed(err) {
		t.Errorf("Wait = %d, %v; want -1, killed", code, err)
	}
}

// The interrupt reaches the whole process group, and what is left of the
// group after an interrupted command exits is killed: no plugin outlives
// Terraform.
func TestCommand_sweepsProcessGroup(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cmd, ready := startChild(ctx, t, "parent", func(c *Cmd) { c.WaitDelay = long })
	pid, err := strconv.Atoi(strings.TrimPrefix(ready, "ready "))
	if err != nil {
		t.Fatalf("the child said %q, want \"ready <pid>\"", ready)
	}
	if pgid, err := syscall.Getpgid(pid); err != nil || pgid != cmd.Process.Pid {
		t.Fatalf("the grandchild's process group is %d (%v), want the child's, %d", pgid, err, cmd.Process.Pid)
	}
	cancel()
	if code, err := cmd.Wait(); code != 3 {
		t.Fatalf("exit code %d (%v), want 3", code, err)
	}
	// The grandchild ignored the interrupt; the sweep killed it. Nobody may
	// reap it (it was reparented), so a zombie counts as gone.
	deadline := time.After(time.Minute)
	for !gone(pid) {
		select {
		case <-deadline:
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the grandchild %d still ran a minute after its parent exited", pid)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// killed tells whether a Wait error says the process died of SIGKILL.
func killed(err error) bool {
	return err != nil && strings.Contains(err.Error(), "signal: killed")
}

// gone tells whether pid no longer runs: it does not exist, or it is a
// zombie waiting for a parent to reap it.
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		// No such process, unless there is no /proc to ask at all.
		_, serr := os.Stat("/proc/self/stat")
		return errors.Is(err, os.ErrNotExist) && serr == nil
	}
	// The state follows the command name in parentheses.
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] == 'Z' || stat[i+2] == 'X'
	}
	return false
}

// The wrapper passes an interrupt on to the provider, which decides what it
// means, and leaves with the provider's exit code.
func TestWrapper_forwardsSignals(t *testing.T) {
	t.Parallel()
	cmd := installedWrapper(t, Wrapper{Provider: os.Args[0]}, "interruptible")
	out, in := io.Pipe()
	cmd.Stdout = in
	cmd = startBusyProof(t, cmd)
	defer in.Close()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("the provider said %q (%v), want ready", line, err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if code := ExitCode(cmd); code != 3 {
		t.Errorf("exit code %d, want 3: the provider's own after SIGINT", code)
	}
}

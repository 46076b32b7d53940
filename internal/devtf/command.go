package devtf

import (
	"context"
	"os/exec"
	"sync"
	"time"
)

// Grace is how long a command gets to stop after its interrupt before it is
// killed, unless the caller sets a different WaitDelay.
const Grace = 15 * time.Second

// Cmd is a child process that is stopped the way a terminal stops a
// foreground job: it runs in a process group of its own, so that a Ctrl-C
// reaches only the tool that started it, and the tool passes the interrupt
// on to the whole group when its context is done.
type Cmd struct {
	*exec.Cmd

	// Abort, when closed, kills the process group at once instead of
	// waiting out WaitDelay: what a second Ctrl-C asks for.
	Abort <-chan struct{}

	ctx context.Context
}

// Command returns a Cmd for name and its arguments, built on
// exec.CommandContext. When ctx is done, cmd.Cancel sends SIGINT to the
// command's process group; if the command has not exited cmd.WaitDelay
// (Grace) later, it is killed, and Wait then kills whatever is left in its
// group (Terraform's provider plugins). A WaitDelay of 0 waits for the
// command however long it takes, or until Abort.
//
// Where there are no process groups, the command alone is interrupted and
// killed.
func Command(ctx context.Context, name string, arg ...string) *Cmd {
	cmd := exec.CommandContext(ctx, name, arg...) //nolint:gosec // a wrapper of exec.CommandContext: its callers choose the command
	OwnProcessGroup(cmd)
	cmd.Cancel = func() error { return interruptProcessGroup(cmd) }
	cmd.WaitDelay = Grace
	return &Cmd{Cmd: cmd, ctx: ctx}
}

// Run starts the command and waits for it; see Wait.
func (c *Cmd) Run() (int, error) {
	if err := c.Start(); err != nil {
		return -1, err
	}
	return c.Wait()
}

// Wait waits for the command to exit and returns its exit code (see
// ExitCode) with the error of exec.Cmd.Wait: nil, an *exec.ExitError for a
// non-zero exit, or, for a command that exited 0 only after its interrupt,
// the context's error. Once the command has been interrupted, nothing it
// started is left running in its process group when Wait returns.
func (c *Cmd) Wait() (int, error) {
	var watching sync.WaitGroup
	done := make(chan struct{})
	if c.Abort != nil {
		watching.Add(1)
		go func() {
			defer watching.Done()
			select {
			case <-c.Abort:
				_ = killProcessGroup(c.Cmd)
			case <-done:
			}
		}()
	}
	err := c.Cmd.Wait()
	close(done)
	watching.Wait()
	if c.ctx.Err() != nil {
		// Stopped part-way: sweep up any plugin the command left behind.
		_ = killProcessGroup(c.Cmd)
	}
	return ExitCode(c.Cmd), err
}

// ExitCode is how a command that has been waited for exited: its exit code,
// or -1 when it was killed by a signal or never ran.
func ExitCode(cmd *exec.Cmd) int {
	if cmd.ProcessState == nil {
		return -1
	}
	return cmd.ProcessState.ExitCode()
}

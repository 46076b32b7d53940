package devtf

import (
	"context"
	"os/exec"
	"sync"
	"time"
)

// Grace is the default WaitDelay: how long an interrupted command gets before it is killed.
const Grace = 15 * time.Second

// Cmd runs in its own process group, so that a Ctrl-C reaches only the tool, which passes it on.
type Cmd struct {
	*exec.Cmd

	// Abort, when closed, kills the group at once: what a second Ctrl-C asks for.
	Abort <-chan struct{}

	ctx context.Context
}

// Command is exec.CommandContext that interrupts the group when ctx is done, and kills it Grace later.
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

// Wait returns the exit code and exec.Cmd.Wait's error; an interrupted command leaves nothing in its group.
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

// ExitCode is a waited-for command's exit code, or -1 when a signal killed it or it never ran.
func ExitCode(cmd *exec.Cmd) int {
	if cmd.ProcessState == nil {
		return -1
	}
	return cmd.ProcessState.ExitCode()
}

package devtf

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"testing"
	"time"
)

// envChild puts the test binary in child mode: it then behaves as the
// value says instead of running the tests, so that the tests have a child
// process to start, interrupt and kill on every platform without any tool
// of the system's.
const envChild = "DEVTF_TEST_CHILD"

func TestMain(m *testing.M) {
	if code, ok := RunAsWrapper(); ok {
		os.Exit(code)
	}
	if mode := os.Getenv(envChild); mode != "" {
		os.Exit(child(mode))
	}
	os.Exit(m.Run())
}

// child is the child process. Modes:
//
//   - "exit N": exits with code N.
//   - "provider N": prints a go-plugin handshake line, its arguments and
//     any wrapper setting it was given, writes a line to standard error,
//     touches 8 MiB and exits with code N.
//   - "interruptible": says "ready" once it catches SIGINT, then exits 3 at
//     the first one.
//   - "stubborn": says "ready" once it ignores SIGINT, then runs until killed.
//   - "parent": starts a stubborn child of its own (in the same process
//     group), says "ready <pid>" with that child's pid, then behaves as
//     "interruptible".
func child(mode string) int {
	switch {
	case strings.HasPrefix(mode, "exit "):
		code, err := strconv.Atoi(strings.TrimPrefix(mode, "exit "))
		if err != nil {
			return 100
		}
		return code
	case strings.HasPrefix(mode, "provider "):
		fmt.Printf("1|6|unix|/tmp/plugin.sock|grpc|\nargs=%s\n", strings.Join(os.Args[1:], ","))
		for _, kv := range os.Environ() {
			if strings.HasPrefix(kv, envWrapPrefix) {
				fmt.Println("leaked " + kv)
			}
		}
		fmt.Fprintln(os.Stderr, "provider log line")
		buf := make([]byte, 8<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		code, _ := strconv.Atoi(strings.TrimPrefix(mode, "provider "))
		return code
	case mode == "interruptible":
		interrupts := make(chan os.Signal, 1)
		signal.Notify(interrupts, os.Interrupt)
		fmt.Println("ready")
		<-interrupts
		return 3
	case mode == "stubborn":
		signal.Ignore(os.Interrupt)
		fmt.Println("ready")
		// Not select{}: with no other goroutine the runtime would call
		// that a deadlock and exit.
		for {
			time.Sleep(time.Hour)
		}
	case mode == "parent":
		interrupts := make(chan os.Signal, 1)
		signal.Notify(interrupts, os.Interrupt)
		grandchild := exec.Command(os.Args[0])
		grandchild.Env = append(os.Environ(), envChild+"=stubborn")
		out, err := grandchild.StdoutPipe()
		if err != nil {
			return 101
		}
		if err := grandchild.Start(); err != nil {
			return 102
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			return 103
		}
		fmt.Printf("ready %d\n", grandchild.Process.Pid)
		<-interrupts
		return 3
	}
	return 100
}

// startChild starts the test binary in the given child mode with Command
// and returns what it said when it was ready.
func startChild(ctx context.Context, t *testing.T, mode string, setup func(*Cmd)) (*Cmd, string) {
	t.Helper()
	cmd := Command(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), envChild+"="+mode)
	// An os.Pipe rather than StdoutPipe, so that Wait does not close it
	// while the ready line is read.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd.Stdout = w
	if setup != nil {
		setup(cmd)
	}
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the child's ready line: %v", err)
	}
	return cmd, strings.TrimSpace(line)
}

func TestCommand_exitCodes(t *testing.T) {
	t.Parallel()
	for _, want := range []int{0, 1, 2, 7} {
		t.Run(strconv.Itoa(want), func(t *testing.T) {
			t.Parallel()
			cmd := Command(t.Context(), os.Args[0])
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=exit %d", envChild, want))
			code, err := cmd.Run()
			if code != want {
				t.Errorf("exit code %d, want %d (%v)", code, want, err)
			}
			var exitErr *exec.ExitError
			switch {
			case want == 0 && err != nil:
				t.Errorf("err = %v, want nil", err)
			case want != 0 && (!errors.As(err, &exitErr) || exitErr.ExitCode() != want):
				t.Errorf("err = %v, want an *exec.ExitError with code %d", err, want)
			}
			if ExitCode(cmd.Cmd) != want {
				t.Errorf("ExitCode = %d, want %d", ExitCode(cmd.Cmd), want)
			}
		})
	}
}

func TestCommand_notStarted(t *testing.T) {
	t.Parallel()
	code, err := Command(t.Context(), "/nonexistent/devtf-test-binary").Run()
	if err == nil || code != -1 {
		t.Errorf("Run = %d, %v; want -1 and an error", code, err)
	}
	if got := ExitCode(exec.Command("true")); got != -1 {
		t.Errorf("ExitCode of a command never run = %d, want -1", got)
	}

	// A context that is already done starts nothing.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	cmd := Command(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), envChild+"=exit 0")
	if code, err := cmd.Run(); !errors.Is(err, context.Canceled) || code != -1 {
		t.Errorf("Run with a cancelled context = %d, %v; want -1 and context.Canceled", code, err)
	}
}

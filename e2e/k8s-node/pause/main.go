// pause is PID 1 of each Pod sandbox on the e2e node: it holds the Pod's namespaces open,
// reaps the zombies that orphaned processes leave behind (as PID 1 it inherits them), and
// exits 0 when the runtime stops the sandbox with SIGINT or SIGTERM.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	// Notify before anything can exit: a SIGTERM that arrives unhandled would be ignored by
	// the kernel for PID 1, and the sandbox would only stop on SIGKILL.
	signal.Notify(signals, syscall.SIGCHLD, syscall.SIGINT, syscall.SIGTERM)
	os.Exit(serve(signals))
}

// serve waits for signals until one asks it to stop; its result is the exit code.
func serve(signals <-chan os.Signal) int {
	for sig := range signals {
		if sig == syscall.SIGCHLD {
			reap()
			continue
		}
		return 0
	}
	return 0
}

// reap collects every child that has exited. Several exits may be folded into one SIGCHLD,
// so it loops until none is left; it returns how many it collected.
func reap() int {
	n := 0
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if pid <= 0 || err != nil {
			return n
		}
		n++
	}
}

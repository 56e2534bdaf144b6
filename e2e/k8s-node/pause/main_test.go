package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startZombie starts a child that exits at once and returns its pid once it is a zombie.
func startZombie(t *testing.T) int {
	t.Helper()
	pid, err := syscall.ForkExec("/bin/true", []string{"true"}, &syscall.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		// The state follows the parenthesised command name: "pid (true) Z ...".
		if err == nil && strings.Contains(string(stat), ") Z ") {
			return pid
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("child %d did not become a zombie", pid)
	return 0
}

func assertReaped(t *testing.T, pid int) {
	t.Helper()
	_, err := syscall.Wait4(pid, nil, syscall.WNOHANG, nil)
	if !errors.Is(err, syscall.ECHILD) {
		t.Fatalf("child %d was not reaped (wait4: %v)", pid, err)
	}
}

func TestReapCollectsEveryExitedChild(t *testing.T) {
	a, b := startZombie(t), startZombie(t)
	if n := reap(); n != 2 {
		t.Fatalf("reap() = %d, want 2", n)
	}
	assertReaped(t, a)
	assertReaped(t, b)
	if n := reap(); n != 0 {
		t.Fatalf("reap() with no children = %d, want 0", n)
	}
}

func TestServeReapsOnSigchldAndStopsOnSigterm(t *testing.T) {
	pid := startZombie(t)
	signals := make(chan os.Signal, 2)
	signals <- syscall.SIGCHLD
	signals <- syscall.SIGTERM
	if code := serve(signals); code != 0 {
		t.Fatalf("serve() = %d, want 0", code)
	}
	assertReaped(t, pid)
}

// The built binary, run for real: it must exit 0 on SIGTERM and on SIGINT, not die of them.
func TestBinaryExitsZeroOnStopSignals(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pause")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(bin)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitUntilCaught(t, cmd.Process.Pid, sig)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("pause after %v: %v, want exit 0", sig, err)
		}
	}
}

// waitUntilCaught waits until the process has a handler for sig (SigCgt in /proc/pid/status),
// then a moment more: Go's runtime catches every signal from its first instruction and only
// later does main ask for them, so the signal sent next tests pause and not its start-up.
func waitUntilCaught(t *testing.T, pid int, sig syscall.Signal) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		status, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		for _, line := range strings.Split(string(status), "\n") {
			if hex, ok := strings.CutPrefix(line, "SigCgt:\t"); ok {
				mask, err := strconv.ParseUint(hex, 16, 64)
				if err == nil && mask&(1<<(uint(sig)-1)) != 0 {
					time.Sleep(200 * time.Millisecond)
					return
				}
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("pid %d never caught %v", pid, sig)
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a server the bench started: the ceiling or wayfare.
type child struct {
	name   string
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	exited chan struct{}
	log    *os.File
}

// startChild starts bin with args, its standard error and output going to
// logPath, and waits for the line on standard output that names its URL.
func startChild(name, bin string, args []string, logPath string) (*child, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	urls := make(chan string, 1)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = log
	cmd.Stdout = &urlWatcher{w: log, urls: urls}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, exited: make(chan struct{}), log: log}
	go func() {
		cmd.Wait()
		close(c.exited)
	}()
	select {
	case c.base = <-urls:
		return c, nil
	case <-c.exited:
		log.Close()
		return nil, fmt.Errorf("%s exited before serving; see %s", name, logPath)
	case <-time.After(60 * time.Second):
		c.stop()
		return nil, fmt.Errorf("%s did not start within a minute; see %s", name, logPath)
	}
}

// urlWatcher passes a child's output on and sends the first URL that a
// line of it names.
type urlWatcher struct {
	w    io.Writer
	buf  []byte
	urls chan string
}

// Write implements io.Writer.
func (u *urlWatcher) Write(p []byte) (int, error) {
	u.buf = append(u.buf, p...)
	for {
		i := bytes.IndexByte(u.buf, '\n')
		if i < 0 {
			break
		}
		line := string(u.buf[:i])
		u.buf = u.buf[i+1:]
		if j := strings.Index(line, "http://"); j >= 0 {
			select {
			case u.urls <- strings.Fields(line[j:])[0]:
			default:
			}
		}
	}
	return u.w.Write(p)
}

// pid returns the child's process id.
func (c *child) pid() int { return c.cmd.Process.Pid }

// stop asks the child to shut down gracefully and kills it if it has not
// within 20 seconds.
func (c *child) stop() error {
	defer c.log.Close()
	select {
	case <-c.exited:
		return nil
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-c.exited:
		return nil
	case <-time.After(20 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("%s did not stop within 20 s and was killed", c.name)
	}
}

// waitHealthy polls base/healthz until it answers 200.
func waitHealthy(ctx context.Context, client *http.Client, base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/healthz did not answer 200 within 30 s", base)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// runTool runs bin once and returns its standard output.
func runTool(ctx context.Context, bin string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// cpuTime returns the user and system CPU time a process has used so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields that follow it do not.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("unexpected /proc stat format")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("unexpected /proc stat format")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// machineBusy returns the CPU time the whole machine has spent busy so
// far: everything but idle and I/O wait, from /proc/stat.
func machineBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 8 || f[0] != "cpu" {
		return 0, errors.New("unexpected /proc/stat format")
	}
	var busy int64
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, err
		}
		if i != 3 && i != 4 && i < 8 { // idle, iowait; guest time is counted in user already
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / clockTicks, nil
}

// cpuMeter measures how many cores a process kept busy between start and
// stop; -1 when /proc cannot tell.
type cpuMeter struct {
	pid   int
	start time.Duration
	at    time.Time
	err   error
}

// meter starts measuring process pid; pid 0 measures the whole machine.
func meter(pid int) *cpuMeter {
	m := &cpuMeter{pid: pid, at: time.Now()}
	m.start, m.err = m.read()
	return m
}

func (m *cpuMeter) read() (time.Duration, error) {
	if m.pid == 0 {
		return machineBusy()
	}
	return cpuTime(m.pid)
}

func (m *cpuMeter) cores() float64 {
	end, err := m.read()
	if m.err != nil || err != nil {
		return -1
	}
	return (end - m.start).Seconds() / time.Since(m.at).Seconds()
}

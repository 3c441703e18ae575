// Load generator for bench/server-compare.sh's mode "many": N keep-alive connections, each sending about
// R requests per second (default 1), the way many slow clients load a real server; not a saturation test.
//
// Usage: many-conns [options] HOST:PORT
//
//	-conns N        connections to hold (default 10000)
//	-rate R         requests per second per connection (default 1)
//	-warmup S       seconds of load after every connection is up, not measured (default 10)
//	-duration S     measured seconds (default 10)
//	-pid PID        the server's pid: its process tree's CPU time and RSS are read from /proc
//	-path P         request path (default /hello)
//	-parallel P     connections being set up at once, so the accept queue never overflows (default 32)
//
// Every connection first makes one request (which must be a 200 that keeps the connection open), then, once
// all N are up, sends GET PATH every 1/R s from a random phase, so the load is spread evenly over time.
// Latency is from just before the request's write to the end of its response, for requests sent within the
// measured window. A request that finds its predecessor still unanswered at its time waits for it (counted
// as "behind"); a connection the server closes or breaks is counted as an error and opened again.
//
// Output (stdout, one "key value" per line): conns held, dial seconds, requests and errors in the window,
// latency percentiles in ms, the server tree's CPU seconds over the window, CPU microseconds per request, its
// RSS in KiB before connecting and at the end, RSS KiB per connection, this program's own CPU seconds,
// and the machine's busy CPU ticks (from /proc/stat) over the window. Standard library only.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/bits"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "many-conns: "+format+"\n", args...)
	os.Exit(1)
}

// ---- latency histogram: log-linear buckets of microseconds, 32 per power of two (about 2 % wide) ----

const subBits = 5
const nBuckets = 64 << subBits

type histogram struct{ counts [nBuckets]uint64 }

func bucketOf(us uint64) int {
	if us < 1<<subBits {
		return int(us)
	}
	e := 63 - bits.LeadingZeros64(us) // position of the top bit, >= subBits
	shift := uint(e - subBits)
	return int((uint64(e-subBits+1) << subBits) + (us>>shift)&(1<<subBits-1))
}

// lowOf is the smallest value in bucket b (the inverse of bucketOf)
func lowOf(b int) uint64 {
	if b < 1<<subBits {
		return uint64(b)
	}
	e := uint(b>>subBits) - 1 + subBits
	return (1 << e) + uint64(b&(1<<subBits-1))<<(e-subBits)
}

func (h *histogram) add(d time.Duration) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	atomic.AddUint64(&h.counts[bucketOf(uint64(us))], 1)
}

// percentile returns the nearest-rank percentile in ms (the low edge of its bucket), and the total count
func (h *histogram) percentile(p float64) (float64, uint64) {
	var total uint64
	for i := range h.counts {
		total += atomic.LoadUint64(&h.counts[i])
	}
	if total == 0 {
		return 0, 0
	}
	rank := uint64(p/100*float64(total) + 0.999999)
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i := range h.counts {
		seen += atomic.LoadUint64(&h.counts[i])
		if seen >= rank {
			return float64(lowOf(i)) / 1000, total
		}
	}
	return 0, total
}

// ---- /proc ------------------------------------------------------------------------------------------

// treePids: pid and its descendants (children of every thread), recursively
func treePids(pid int) []int {
	out := []int{pid}
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, treePids(c)...)
			}
		}
	}
	return out
}

// ticks: utime+stime+cutime+cstime of one process, in clock ticks
func ticks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	var t int64
	for i := 11; i <= 14; i++ {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		t += v
	}
	return t, nil
}

func treeTicks(pid int) int64 {
	var t int64
	for _, p := range treePids(pid) {
		v, err := ticks(p)
		if err != nil && p == pid {
			fail("cannot read /proc/%d/stat: the server is gone", pid)
		}
		t += v
	}
	return t
}

func treeRssKiB(pid int) int64 {
	var t int64
	for _, p := range treePids(pid) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				v, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
				t += v
			}
		}
	}
	return t
}

// busyTicks: the machine's busy and total CPU ticks so far (/proc/stat's "cpu" line)
func busyTicks() (busy, total int64) {
	b, _ := os.ReadFile("/proc/stat")
	f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
	for i := 1; i < len(f) && i <= 8; i++ {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		total += v
		if i != 4 && i != 5 { // idle, iowait
			busy += v
		}
	}
	return
}

func selfCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// ---- one connection ---------------------------------------------------------------------------------

var errClosing = errors.New("the server closes the connection")

type conn struct {
	c  net.Conn
	br *bufio.Reader
}

func dial(addr string, req []byte) (*conn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	k := &conn{c: c, br: bufio.NewReaderSize(c, 1024)}
	if err := k.roundTrip(req); err != nil {
		c.Close()
		return nil, err
	}
	return k, nil
}

// roundTrip writes req and reads one whole response: a 200 with a Content-Length, not closing
func (k *conn) roundTrip(req []byte) error {
	k.c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := k.c.Write(req); err != nil {
		return err
	}
	line, err := k.br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return fmt.Errorf("bad status line %q", line)
	}
	status := string(line[9:12])
	length := -1
	closing := false
	for {
		line, err = k.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		i := bytes.IndexByte(line, ':')
		if i < 0 {
			continue
		}
		name := string(bytes.ToLower(line[:i]))
		value := string(bytes.TrimSpace(line[i+1:]))
		switch name {
		case "content-length":
			length, _ = strconv.Atoi(value)
		case "connection":
			closing = strings.EqualFold(value, "close")
		}
	}
	if length < 0 {
		return errors.New("response without Content-Length")
	}
	if _, err := k.br.Discard(length); err != nil {
		return err
	}
	if status != "200" {
		return fmt.Errorf("status %s", status)
	}
	if closing {
		return errClosing
	}
	return nil
}

// ---- main -----------------------------------------------------------------------------------------

func main() {
	n := flag.Int("conns", 10000, "connections")
	rate := flag.Float64("rate", 1, "requests per second per connection")
	warmup := flag.Float64("warmup", 10, "seconds of unmeasured load after set-up")
	duration := flag.Float64("duration", 10, "measured seconds")
	pid := flag.Int("pid", 0, "server pid (CPU and RSS from /proc)")
	path := flag.String("path", "/hello", "request path")
	parallel := flag.Int("parallel", 32, "connections set up at once")
	flag.Parse()
	if flag.NArg() != 1 || *n < 1 || *rate <= 0 || *duration <= 0 || *warmup < 0 || *parallel < 1 {
		fail("usage: many-conns [-conns N] [-rate R] [-warmup S] [-duration S] [-pid PID] [-path P] HOST:PORT")
	}
	addr := flag.Arg(0)
	host, _, _ := net.SplitHostPort(addr)
	req := []byte("GET " + *path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: many-conns\r\n\r\n")
	period := time.Duration(float64(time.Second) / *rate)

	var rssBase int64
	if *pid > 0 {
		rssBase = treeRssKiB(*pid)
	}

	// set up every connection, P at a time
	conns := make([]*conn, *n)
	t0 := time.Now()
	var wg sync.WaitGroup
	var dialErr atomic.Value
	sem := make(chan struct{}, *parallel)
	for i := range conns {
		sem <- struct{}{}
		if dialErr.Load() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			k, err := dial(addr, req)
			if err != nil {
				dialErr.Store(fmt.Errorf("connection %d: %w", i+1, err))
				return
			}
			conns[i] = k
		}(i)
	}
	wg.Wait()
	if e := dialErr.Load(); e != nil {
		fail("setting up %d connections to %s: %v", *n, addr, e)
	}
	dialSecs := time.Since(t0).Seconds()
	fmt.Fprintf(os.Stderr, "many-conns: %d connections up in %.1f s; %.0f s warm-up, %.0f s measured at %.3g req/s each\n",
		*n, dialSecs, *warmup, *duration, *rate)

	// the load: each connection from a random phase, one request per period
	start := time.Now().Add(100 * time.Millisecond)
	winFrom := start.Add(time.Duration(*warmup * float64(time.Second)))
	winTo := winFrom.Add(time.Duration(*duration * float64(time.Second)))
	var hist histogram
	var requests, errs, behind, reconnects uint64
	var firstErr atomic.Value
	for i := range conns {
		wg.Add(1)
		go func(k *conn, phase time.Duration) {
			defer wg.Done()
			next := start.Add(phase)
			for {
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				if !next.Before(winTo) {
					k.c.Close()
					return
				}
				sent := time.Now()
				err := k.roundTrip(req)
				took := time.Since(sent)
				in := !sent.Before(winFrom) && sent.Before(winTo)
				if err != nil {
					if in {
						atomic.AddUint64(&errs, 1)
					}
					firstErr.CompareAndSwap(nil, err.Error())
					k.c.Close()
					atomic.AddUint64(&reconnects, 1)
					nk, derr := dial(addr, req)
					for derr != nil && time.Now().Before(winTo) {
						time.Sleep(100 * time.Millisecond)
						nk, derr = dial(addr, req)
					}
					if derr != nil {
						return
					}
					k = nk
				} else if in {
					atomic.AddUint64(&requests, 1)
					hist.add(took)
				}
				next = next.Add(period)
				if now := time.Now(); next.Before(now) {
					if in {
						atomic.AddUint64(&behind, 1)
					}
					next = now
				}
			}
		}(conns[i], time.Duration(rand.Int63n(int64(period))))
	}

	// the window: the server's CPU and the machine's busy time, read at its edges
	time.Sleep(time.Until(winFrom))
	var cpu0, cpu1 int64
	if *pid > 0 {
		cpu0 = treeTicks(*pid)
	}
	b0, all0 := busyTicks()
	self0 := selfCPU()
	time.Sleep(time.Until(winTo))
	if *pid > 0 {
		cpu1 = treeTicks(*pid)
	}
	b1, all1 := busyTicks()
	self1 := selfCPU()
	var rssEnd int64
	if *pid > 0 {
		rssEnd = treeRssKiB(*pid)
	}
	wg.Wait()

	hz := 100.0 // USER_HZ on Linux
	nreq := atomic.LoadUint64(&requests)
	fmt.Printf("conns %d\n", *n)
	fmt.Printf("rate_per_conn %g\n", *rate)
	fmt.Printf("dial_s %.2f\n", dialSecs)
	fmt.Printf("seconds %.3f\n", *duration)
	fmt.Printf("requests %d\n", nreq)
	fmt.Printf("req_per_s %.1f\n", float64(nreq) / *duration)
	fmt.Printf("errors %d\n", atomic.LoadUint64(&errs))
	fmt.Printf("reconnects %d\n", atomic.LoadUint64(&reconnects))
	fmt.Printf("behind %d\n", atomic.LoadUint64(&behind))
	if e := firstErr.Load(); e != nil {
		fmt.Printf("first_error %s\n", strings.ReplaceAll(e.(string), "\n", " "))
	}
	ps := []float64{50, 90, 99, 99.9, 100}
	names := []string{"p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms"}
	for i, p := range ps {
		v, _ := hist.percentile(p)
		fmt.Printf("%s %.3f\n", names[i], v)
	}
	if *pid > 0 {
		cpuS := float64(cpu1-cpu0) / hz
		fmt.Printf("server_cpu_s %.2f\n", cpuS)
		if nreq > 0 {
			fmt.Printf("cpu_us_per_req %.2f\n", cpuS*1e6/float64(nreq))
		}
		fmt.Printf("rss_base_kib %d\n", rssBase)
		fmt.Printf("rss_kib %d\n", rssEnd)
		fmt.Printf("rss_kib_per_conn %.2f\n", float64(rssEnd-rssBase)/float64(*n))
	}
	fmt.Printf("loadgen_cpu_s %.2f\n", self1-self0)
	fmt.Printf("machine_busy_ticks %d\n", b1-b0)
	fmt.Printf("machine_total_ticks %d\n", all1-all0)
}

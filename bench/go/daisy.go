// bench/go/daisy.go: the Go counterpart of bench/daisy.cpp, the same
// program with goroutines and unbuffered channels (run with GOMAXPROCS=1;
// bench/run.sh sets it). 100,000 goroutines in a daisy chain, 10 rounds;
// every 100th recurses 200-1000 frames deep before forwarding, every 50th
// builds a string label, every 1000th formats a line with fmt.Sprintf,
// every 10th keeps a slice of the values it has seen. The checksum is
// computed exactly as in daisy.cpp.
//
// Figures (bench "daisy", case "100000x10"): variant "go" in ns (wall time
// of the whole program after start-up) and "go-hwm" in B (VmHWM).
//
//	daisy_go [goroutines=100000] [rounds=10]
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

var checksum uint64

//go:noinline
func walk(depth int, v uint64) uint64 {
	var a [8]uint64
	for k := 0; k < 8; k++ {
		a[k] = v*uint64(k+1) + uint64(depth)
	}
	if depth == 0 {
		return a[v&7]
	}
	r := walk(depth-1, a[(v+uint64(depth))&7])
	return r + a[depth&7] - a[(depth+3)&7]
}

func link(id int, left, right chan int, rounds int, wg *sync.WaitGroup) {
	var seen []int
	for r := 0; r < rounds; r++ {
		v := <-left
		if id%100 == 0 {
			checksum += walk(200+(id*7919)%801, uint64(v))
		}
		if id%50 == 0 {
			label := "fiber " + strconv.Itoa(id) + " round " + strconv.Itoa(r) + " value " + strconv.Itoa(v)
			checksum += uint64(len(label))
		}
		if id%1000 == 0 {
			line := fmt.Sprintf("%d: %d (%.3f)", id, v, float64(v)/3.0)
			checksum += uint64(len(line))
		}
		if id%10 == 0 {
			seen = append(seen, v)
		}
		right <- v + 1
	}
	for _, s := range seen {
		checksum += uint64(s)
	}
	wg.Done()
}

func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%d kB", &kb)
			return kb * 1024
		}
	}
	return -1
}

func main() {
	n := arg(1, 100000)
	rounds := arg(2, 10)
	t0 := time.Now()

	chans := make([]chan int, n+1)
	for i := range chans {
		chans[i] = make(chan int)
	}
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go link(i, chans[i], chans[i+1], rounds, &wg)
	}
	go func() {
		for r := 0; r < rounds; r++ {
			chans[0] <- r * 1000
		}
	}()
	bad := 0
	for r := 0; r < rounds; r++ {
		if <-chans[n] != r*1000+n {
			bad++
		}
	}
	wg.Wait()
	chans = nil

	ns := float64(time.Since(t0).Nanoseconds())
	hwm := vmHWM()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "daisy (Go, GOMAXPROCS=%d): %d goroutines x %d rounds, %d bad; checksum %d; %.0f ms, VmHWM %d kB; "+
		"%d GCs, stack in use %d kB, heap sys %d kB\n",
		runtime.GOMAXPROCS(0), n, rounds, bad, checksum, ns/1e6, hwm/1024, ms.NumGC, ms.StackInuse/1024, ms.HeapSys/1024)
	kase := fmt.Sprintf("%dx%d", n, rounds)
	report("daisy", kase, "go", ns, "ns")
	report("daisy", kase, "go-hwm", float64(hwm), "B")
	if bad != 0 {
		os.Exit(1)
	}
}

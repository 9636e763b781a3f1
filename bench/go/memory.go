// bench/go/memory.go: what a parked goroutine costs, all in: N goroutines
// each recurse a few frames and block on a channel at the bottom. Resident
// set growth since before the first was started, divided by N (after a GC
// on both sides, so that garbage does not count).
//
//	memory_go <goroutines>
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const depth = 5

var (
	release = make(chan struct{})
	parked  int64
)

//go:noinline
func descend(d int, id int) int {
	var local [4]int
	local[0], local[1] = d, id
	if d == 0 {
		atomic.AddInt64(&parked, 1)
		<-release // parked here
		return local[1]
	}
	return descend(d-1, id) + local[0]
}

func main() {
	n := arg(1, 100000)
	var finished sync.WaitGroup
	finished.Add(n)
	runtime.GC()
	before := rssBytes()
	for i := 0; i < n; i++ {
		go func(id int) {
			descend(depth, id)
			finished.Done()
		}(i)
	}
	for atomic.LoadInt64(&parked) < int64(n) {
		time.Sleep(time.Millisecond)
	}
	runtime.GC()
	after := rssBytes()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	close(release)
	finished.Wait()
	fmt.Fprintf(os.Stderr, "memory (Go): %d goroutines, stacks in use %d B per goroutine\n", n, ms.StackInuse/uint64(n))
	report("memory", fmt.Sprint(n), "go", float64(after-before)/float64(n), "B")
}

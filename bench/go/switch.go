// bench/go/switch.go: goroutine switch and spawn, the Go counterparts of
// bench/switch.c. Run with GOMAXPROCS=1 (bench/run.sh sets it), so that
// both are single-threaded like a fiber.
//
//	switch   two goroutines calling runtime.Gosched() in turn: ns per switch
//	spawn    `go f()` of a goroutine that increments a counter, in batches
//	         of 1000 waited for with a sync.WaitGroup: ns per goroutine
//	         (create, run, exit)
//
//	switch_go [n=5000000] [reps=5]
package main

import (
	"runtime"
	"sync"
	"time"
)

func switchNs(n int) float64 {
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Add(2)
	for g := 0; g < 2; g++ {
		go func() {
			<-start
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	return float64(time.Since(t0).Nanoseconds()) / float64(2*n)
}

var count int64

func spawnNs(n int) float64 {
	const batch = 1000
	var wg sync.WaitGroup
	t0 := time.Now()
	for done := 0; done < n; done += batch {
		wg.Add(batch)
		for i := 0; i < batch; i++ {
			go func() {
				count++
				wg.Done()
			}()
		}
		wg.Wait()
	}
	return float64(time.Since(t0).Nanoseconds()) / float64(n/batch*batch)
}

func main() {
	n := arg(1, 5000000)
	reps := arg(2, 5)
	sw := make([]float64, reps)
	sp := make([]float64, reps)
	for r := 0; r < reps; r++ {
		sw[r] = switchNs(n)
		sp[r] = spawnNs(n / 5)
	}
	report("switch", "switch", "go", median(sw), "ns")
	report("switch", "spawn", "go", median(sp), "ns")
}

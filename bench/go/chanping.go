// bench/go/chanping.go: unbuffered channel ping-pong between two
// goroutines, the Go side of bench/chanping.c: the time of one round trip.
//
//	chanping_go [round trips=200000] [reps=3]
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	trips := arg(1, 200000)
	reps := arg(2, 3)
	times := make([]float64, reps)
	for r := 0; r < reps; r++ {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		t0 := time.Now()
		for i := 0; i < trips; i++ {
			ping <- i
			<-pong
		}
		times[r] = float64(time.Since(t0).Nanoseconds()) / float64(trips)
		close(ping)
	}
	procs := runtime.GOMAXPROCS(0)
	fmt.Fprintf(os.Stderr, "chanping (Go, GOMAXPROCS=%d): %.0f ns per round trip\n", procs, median(times))
	report("chanping", fmt.Sprintf("%dthread", procs), "go", median(times), "ns")
}

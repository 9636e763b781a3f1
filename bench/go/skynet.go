// bench/go/skynet.go: the "skynet" benchmark in its original Go form: a
// tree of goroutines of fan-out 10 with 1,000,000 leaves, each leaf sending
// its index up a channel, each parent the sum of its children's.
// GOMAXPROCS (set by bench/run.sh) is the number of threads.
//
//	skynet_go [reps=3]
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func skynet(c chan int, num, size, div int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int)
	sum := 0
	for i := 0; i < div; i++ {
		subNum := num + i*(size/div)
		go skynet(rc, subNum, size/div, div)
	}
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func main() {
	reps := arg(1, 3)
	times := make([]float64, reps)
	result := 0
	for r := 0; r < reps; r++ {
		c := make(chan int)
		t0 := time.Now()
		go skynet(c, 0, 1000000, 10)
		result = <-c
		times[r] = float64(time.Since(t0).Nanoseconds())
	}
	procs := runtime.GOMAXPROCS(0)
	fmt.Fprintf(os.Stderr, "skynet (Go, GOMAXPROCS=%d): %d\n", procs, result)
	report("skynet", fmt.Sprintf("%dthread", procs), "go", median(times), "ns")
}

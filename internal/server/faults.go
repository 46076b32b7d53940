package server

import (
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

type faultInjector struct {
	mu  sync.Mutex
	f   Faults
	rng *rand.Rand
}

func validateFaults(f Faults) error {
	for _, v := range []float64{f.Rate429, f.Rate5xx, f.DropAfterCommit} {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return errors.New("server: fault rates must be within [0,1]")
		}
	}
	if f.Latency < 0 {
		return errors.New("server: fault latency must not be negative")
	}
	return nil
}

func clamp01(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return min(v, 1)
}

func (fi *faultInjector) set(f Faults) {
	f.Rate429, f.Rate5xx, f.DropAfterCommit = clamp01(f.Rate429), clamp01(f.Rate5xx), clamp01(f.DropAfterCommit)
	f.Latency = max(f.Latency, 0)
	seed := uint64(f.Seed)
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.f = f
	fi.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func (fi *faultInjector) latency() time.Duration {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.f.Latency
}

// draw draws nothing for a zero rate, so that enabling one fault does not
// shift another's sequence.
func (fi *faultInjector) draw(rate func(Faults) float64) bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	p := rate(fi.f)
	if p <= 0 {
		return false
	}
	return fi.rng.Float64() < p
}

func (fi *faultInjector) draw429() bool {
	return fi.draw(func(f Faults) float64 { return f.Rate429 })
}

func (fi *faultInjector) draw5xx() bool {
	return fi.draw(func(f Faults) float64 { return f.Rate5xx })
}

func (fi *faultInjector) drawDrop() bool {
	return fi.draw(func(f Faults) float64 { return f.DropAfterCommit })
}

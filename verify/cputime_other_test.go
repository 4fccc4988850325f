//go:build !unix

package verify

import "time"

// cpuTime is not measured here: the per-CPU-second rate is left out.
func cpuTime() time.Duration { return 0 }

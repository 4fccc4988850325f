//go:build race

package rawio

// raceEnabled: built with the race detector (see Wrap).
const raceEnabled = true

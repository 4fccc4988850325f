//go:build race

package smtpclient

// raceEnabled: built with the race detector (see rawIO).
const raceEnabled = true

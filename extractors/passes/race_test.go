//go:build race

package passes_test

// raceEnabled is set under the race detector, which slows the passes down
// several times.
const raceEnabled = true

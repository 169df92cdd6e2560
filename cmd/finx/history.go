package main

import (
	"fmt"
	"path/filepath"

	"github.com/finx-dev/finx/extractors/passes"
)

// historyUsage starts the help text of the --history flags.
const historyUsage = "folder of the company history, one JSON file per company, against which each filing's risks and guidance are compared with the same company's previous filing"

// openHistory opens the history folder dir, or returns nil, which turns
// change tracking off, when dir is empty.
func openHistory(dir string) (passes.History, error) {
	if dir == "" {
		return nil, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("invalid --history %q: %w", dir, err)
	}
	h, err := passes.NewFileHistory(abs, 0)
	if err != nil {
		return nil, fmt.Errorf("open --history %s: %w", abs, err)
	}
	return h, nil
}

// demoHistory opens the demo's history. That is the --history folder when
// one is given, else out/history beside the file sink's output. When the
// results go to ClickHouse and no output folder is written, the history is
// kept in memory for the run. It returns nil when the flag is "off".
func demoHistory(flag, out string, toClickHouse bool) (passes.History, error) {
	switch {
	case flag == "off":
		return nil, nil
	case flag != "":
		return openHistory(flag)
	case toClickHouse:
		return &passes.MemoryHistory{}, nil
	}
	return openHistory(filepath.Join(out, "history"))
}

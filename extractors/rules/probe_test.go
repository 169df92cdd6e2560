package rules_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/passes/passestest"
	"github.com/finx-dev/finx/extractors/rules"
)

func TestProbe(t *testing.T) {
	kb, _ := strconv.Atoi(os.Getenv("PROBE_KB"))
	if kb == 0 {
		t.Skip()
	}
	for _, layout := range []passestest.Layout{passestest.Release, passestest.Annual, passestest.OneLine} {
		doc := passestest.Dense(kb<<10, layout)
		began := time.Now()
		res, err := passes.Run(context.Background(), doc, rules.New(), passes.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %d KB: %v risks=%d metrics=%d guidance=%d", layout, kb, time.Since(began), len(res.Risks), len(res.Metrics), len(res.Guidance))
	}
}

package rules

import (
	"context"
	"fmt"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/schemas"
)

// Name is the provider name stored in results.
const Name = "rules"

// Version is the rule set version, stored as PromptVersion on the result and
// on every item. Change it whenever a rule changes what is found, so that
// stored rows name the rules that made them.
const Version = "rules-2026.12.2"

// Provider is the rules provider. The zero value is ready to use.
type Provider struct{}

// New returns a rules provider.
func New() *Provider { return &Provider{} }

// Name returns "rules".
func (*Provider) Name() string { return Name }

// Provenance returns the rule set version and no model.
func (*Provider) Provenance() schemas.Provenance {
	return schemas.Provenance{PromptVersion: Version}
}

// Extract returns the candidates of req.Kind in req.Chunks. It fails only
// when ctx ends or the request is invalid. It checks ctx before each chunk,
// every checkEvery lines or sentences and between the segments of an index
// scan, and returns ctx.Err() once ctx has ended.
func (p *Provider) Extract(ctx context.Context, req passes.Request) (passes.Response, error) {
	if err := ctx.Err(); err != nil {
		return passes.Response{}, err
	}
	if req.Document == nil {
		return passes.Response{}, fmt.Errorf("rules: %s %s request without a document", req.Kind, req.Pass)
	}
	known := make(map[string]bool, len(req.Known))
	for _, q := range req.Known {
		known[collapse(q)] = true
	}
	var resp passes.Response
	switch req.Kind {
	case passes.KindRisk:
		resp.Risks = findRisks(ctx, req, known)
	case passes.KindMetric:
		resp.Metrics = findMetrics(ctx, req, known)
	case passes.KindGuidance:
		resp.Guidance = findGuidance(ctx, req, known)
	default:
		return passes.Response{}, fmt.Errorf("rules: unknown kind %q", req.Kind)
	}
	return resp, ctx.Err()
}

// checkEvery is how many lines, sentences or index segments the provider
// reads between checks of ctx.
const checkEvery = 256

// stopped reports whether ctx has ended, checking it only on every
// checkEvery-th call with n counting the calls, because ctx.Err() takes a
// lock.
func stopped(ctx context.Context, n int) bool {
	return n%checkEvery == 0 && ctx.Err() != nil
}

func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

package rules

import (
	"context"
	"fmt"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// Name is the provider name stored in results.
const Name = "rules"

// Provider is the rules provider. The zero value is ready to use.
type Provider struct{}

// New returns a rules provider.
func New() *Provider { return &Provider{} }

// Name returns "rules".
func (*Provider) Name() string { return Name }

// Extract returns the candidates of req.Kind in req.Chunks. It fails only
// when ctx ends or the request is invalid.
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
		resp.Risks = findRisks(req, known)
	case passes.KindMetric:
		resp.Metrics = findMetrics(ctx, req, known)
	case passes.KindGuidance:
		resp.Guidance = findGuidance(req, known)
	default:
		return passes.Response{}, fmt.Errorf("rules: unknown kind %q", req.Kind)
	}
	return resp, ctx.Err()
}

func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

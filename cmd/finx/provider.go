package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finx-dev/finx/connectors/deepseek"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/rules"
)

// providerFlags choose and configure the extraction provider.
type providerFlags struct {
	name        string
	cache       string
	prices      string
	budget      string
	concurrency int
	recall      string
	// acceptMin and reviewMin are the confidence thresholds of the passes;
	// 0 takes the passes' defaults.
	acceptMin float64
	reviewMin float64
	// registerer receives the LLM provider's and client's metrics; nil
	// registers none.
	registerer prometheus.Registerer
}

// registerProviderFlags adds --provider and the --llm-* flags to fs.
func registerProviderFlags(fs *flag.FlagSet) *providerFlags {
	f := &providerFlags{}
	fs.StringVar(&f.name, "provider", envOr("FINX_PROVIDER", "offline"), "extraction provider: offline (rules), deepseek (LLM with the rules as fallback; needs DEEPSEEK_API_KEY, and DEEPSEEK_BASE_URL for another endpoint such as finx llm-sim) or auto (deepseek when the key is set) (env FINX_PROVIDER)")
	fs.StringVar(&f.cache, "llm-cache", os.Getenv("FINX_LLM_CACHE"), `folder of the LLM response cache; empty means finx/llm under the user cache folder, "off" disables the cache (env FINX_LLM_CACHE)`)
	fs.StringVar(&f.prices, "llm-prices", os.Getenv("FINX_LLM_PRICES"), "JSON file of model prices in USD per million tokens; empty means the built-in DeepSeek list prices (env FINX_LLM_PRICES)")
	fs.StringVar(&f.budget, "llm-budget", os.Getenv("FINX_LLM_BUDGET_USD"), "most this run may spend on LLM calls, in USD such as 0.50; the rules serve the rest; empty for no limit (env FINX_LLM_BUDGET_USD)")
	fs.IntVar(&f.concurrency, "llm-concurrency", envInt("FINX_LLM_CONCURRENCY", 16), "LLM calls in flight at once across the process (env FINX_LLM_CONCURRENCY)")
	fs.StringVar(&f.recall, "llm-recall", envOr("FINX_LLM_RECALL", string(llm.RecallFallback)), "who serves the recall pass: fallback (the rules, no call) or model (a second call per batch) (env FINX_LLM_RECALL)")
	fs.Float64Var(&f.acceptMin, "accept-min", envFloat("FINX_ACCEPT_MIN", 0), "lowest confidence, 0 to 1, of an accepted item; items with a verified quote below it go to review; 0 means 0.5 (env FINX_ACCEPT_MIN)")
	fs.Float64Var(&f.reviewMin, "review-min", envFloat("FINX_REVIEW_MIN", 0), "lowest confidence, 0 to --accept-min, of an item kept for review; below it the item is dropped and counted; 0 means 0.2 (env FINX_REVIEW_MIN)")
	return f
}

// envFloat returns the number in the environment variable name, or fallback
// when it is unset or not a number.
func envFloat(name string, fallback float64) float64 {
	if x, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return x
	}
	return fallback
}

// envInt returns the integer in the environment variable name, or fallback
// when it is unset or not an integer.
func envInt(name string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return fallback
}

var (
	_ passes.CallRecorder = (*llm.Provider)(nil)
	_ passes.Provenancer  = (*llm.Provider)(nil)
)

// providerFromEnv returns the provider settings that the flags default to:
// the named provider and the FINX_LLM_* environment variables.
func providerFromEnv(name string) providerFlags {
	fs := flag.NewFlagSet("provider", flag.ContinueOnError)
	f := registerProviderFlags(fs)
	f.name = name
	return *f
}

// newProvider is newProviderFlags with the settings of providerFromEnv.
func newProvider(name string, logger *slog.Logger) (passes.Provider, passes.Config, error) {
	return newProviderFlags(providerFromEnv(name), logger)
}

// newProviderFlags picks the extraction provider: offline (the rules),
// deepseek (the LLM, with the rules as its fallback when the API fails), or
// auto (deepseek when DEEPSEEK_API_KEY is set, offline otherwise).
func newProviderFlags(f providerFlags, logger *slog.Logger) (passes.Provider, passes.Config, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg := passes.Config{Logger: logger, AcceptMin: f.acceptMin, ReviewMin: f.reviewMin}
	if err := cfg.Validate(); err != nil {
		return nil, cfg, fmt.Errorf("invalid --accept-min %g or --review-min %g: %w", f.acceptMin, f.reviewMin, err)
	}
	name := f.name
	if name == "auto" {
		name = "offline"
		if os.Getenv(deepseek.EnvAPIKey) != "" {
			name = "deepseek"
		}
	}
	switch name {
	case "offline", "rules", "":
		return rules.New(), cfg, nil
	case "deepseek":
		p, err := newDeepSeekProvider(f, logger)
		if err != nil {
			return nil, cfg, err
		}
		return p, cfg, nil
	}
	return nil, cfg, fmt.Errorf("invalid --provider %q: want offline, deepseek or auto", f.name)
}

func newDeepSeekProvider(f providerFlags, logger *slog.Logger) (*llm.Provider, error) {
	dcfg := deepseek.ConfigFromEnv()
	dcfg.Logger = logger
	dcfg.Registerer = f.registerer
	client, err := deepseek.New(dcfg)
	if err != nil {
		return nil, fmt.Errorf("provider deepseek: %w (set %s)", err, deepseek.EnvAPIKey)
	}
	lcfg := llm.Config{
		Model:       client.Model(),
		Provider:    "deepseek",
		Fallback:    rules.New(),
		Recall:      llm.RecallMode(f.recall),
		Budget:      f.budget,
		Concurrency: f.concurrency,
		Logger:      logger,
		Registerer:  f.registerer,
	}

	if f.prices != "" {
		if lcfg.Prices, err = llm.LoadPrices(f.prices); err != nil {
			return nil, fmt.Errorf("invalid --llm-prices: %w", err)
		}
	}
	if f.cache != "off" {
		dir := f.cache
		if dir == "" {
			if dir, err = llm.DefaultCacheDir(); err != nil {
				return nil, err
			}
		}
		if lcfg.Cache, err = llm.OpenCache(dir); err != nil {
			return nil, fmt.Errorf("invalid --llm-cache: %w", err)
		}
	}

	p, err := llm.New(deepseekCompleter(client), lcfg)
	if err != nil {
		return nil, err
	}
	cacheDir := "off"
	if lcfg.Cache != nil {
		cacheDir = lcfg.Cache.Dir()
	}
	logger.Info("extraction provider", "provider", p.Name(), "config", dcfg, "cache", cacheDir, "budget_usd", f.budget, "concurrency", f.concurrency, "recall", f.recall)
	return p, nil
}

// deepseekCompleter adapts a DeepSeek client to llm.Completer.
func deepseekCompleter(c *deepseek.Client) llm.Completer {
	return llm.CompleterFunc(func(ctx context.Context, system, user string, maxTokens int) (llm.Completion, error) {
		d, err := c.Complete(ctx, system, user, maxTokens)
		out := llm.Completion{
			Content:          d.Content,
			FinishReason:     d.FinishReason,
			PromptTokens:     d.PromptTokens,
			CompletionTokens: d.CompletionTokens,
			CacheHitTokens:   d.CacheHitTokens,
		}
		for _, a := range d.Attempts {
			out.Attempts = append(out.Attempts, llm.Attempt{
				Outcome:          a.Outcome,
				StatusCode:       a.StatusCode,
				PromptTokens:     a.PromptTokens,
				CompletionTokens: a.CompletionTokens,
				CacheHitTokens:   a.CacheHitTokens,
				Latency:          a.Latency,
				Start:            a.Start,
			})
		}
		return out, err
	})
}

// usageLine describes what an LLM provider spent, for the demo summary, or
// returns "" for the offline provider.
func usageLine(p passes.Provider) string {
	lp, ok := p.(*llm.Provider)
	if !ok {
		return ""
	}
	u := lp.Usage()
	return fmt.Sprintf("%s (%s): %d calls, %d batches from the cache, %d prompt tokens (%d from the context cache), %d completion tokens, cost %s USD, %d repairs, %d batches served by the offline fallback (%d over budget), %d quotes not in the text",
		lp.Name(), lp.Model(), u.Calls, u.Cached, u.PromptTokens, u.CacheHitTokens, u.CompletionTokens, u.CostUSD, u.Repairs, u.Fallbacks, u.BudgetStops, u.Hallucinated)
}

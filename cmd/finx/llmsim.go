package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/rules"
)

// runLLMSim serves a local stand-in of the DeepSeek chat completions API
// that answers extraction prompts as the offline rules provider would, with
// optional faults, until ctx ends.
func runLLMSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("llm-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf logFlags
	lf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8765", "loopback address to listen on, host:port; port 0 picks a free one")
	delay := fs.Duration("delay", 0, "pause before every reply, such as 200ms")
	latency := fs.Duration("latency", 2*time.Second, "extra pause of the latency fault")
	faults := fs.String("fault", "", "comma-separated faults to inject: "+joinFaults())
	always := fs.Bool("always", false, "inject transient faults (429, 500, 503, empty, invalid_json, truncated, wrong_types) on every request instead of the first attempt of each distinct request")
	apiKey := fs.String("api-key", "", "the only API key accepted; empty accepts any non-empty key")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx llm-sim [--addr 127.0.0.1:PORT] [--delay D] [--fault NAME[,NAME]]")
		fmt.Fprintln(stderr, "Serves POST /chat/completions like the DeepSeek API, answering finx extraction prompts")
		fmt.Fprintln(stderr, "from the offline rules provider. Point finx at it with DEEPSEEK_BASE_URL. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, 0); err != nil {
		return err
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}
	provider := rules.New()
	sim, err := deepseektest.NewSim(deepseektest.SimConfig{
		Answer: func(ctx context.Context, q deepseektest.Question) (string, error) {
			return llm.Emulate(ctx, provider, q.System, q.User, llm.EmulateOptions{Obey: q.Obey})
		},
		Delay:   *delay,
		Latency: *latency,
		Faults:  splitList(*faults),
		Always:  *always,
		APIKey:  *apiKey,
		Logger:  logger,
	})
	if err != nil {
		return fmt.Errorf("llm-sim: %w", err)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("llm-sim: listen on %s: %w", *addr, err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "finx llm-sim: serving on %s\n", url)
	fmt.Fprintf(stdout, "  DEEPSEEK_BASE_URL=%s DEEPSEEK_API_KEY=sim finx demo --provider deepseek\n", url)
	logger.Info("llm-sim started", "addr", ln.Addr().String(), "delay", *delay, "faults", *faults, "always", *always)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("llm-sim: serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("llm-sim: serve: %w", err)
	}
	st := sim.Stats()
	logger.Info("llm-sim stopped", "requests", st.Requests, "injected", fmt.Sprint(st.Injected))
	fmt.Fprintf(stdout, "finx llm-sim: %d requests, faults injected %v\n", st.Requests, st.Injected)
	return nil
}

// checkLoopback rejects an address outside the loopback interface, because
// the simulator accepts any key and is meant for this machine only.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("llm-sim: invalid --addr %q: want host:port: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("llm-sim: invalid --addr %q: want a loopback host such as 127.0.0.1", addr)
}

func joinFaults() string { return strings.Join(deepseektest.Faults, ", ") }

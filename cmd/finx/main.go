// Command finx turns financial filings into grounded, queryable data.
//
//	finx demo [PATH...]      publish, extract and load documents in one process
//	finx publish PATH...     publish documents to filings.raw on a Kafka cluster
//	finx extract             run the extract stage as a long-lived worker
//	finx load                run the load stage as a long-lived worker
//	finx parse [--json] FILE print a document as the passes see it
//	finx eval DIR            score extraction against DIR/gold.jsonl
//	finx crawl               fetch filings from SEC EDGAR to a folder or filings.raw
//	finx migrate             apply the ClickHouse schema migrations
//	finx serve               review extractions in a browser
//	finx alerts tail         print the alerts on risk.flags
//	finx dlq replay          send dead letters back through the pipeline
//	finx llm-sim             serve a local chat completions API for tests
//
// Run finx COMMAND -h for each command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// exitError carries the process exit code of a failed command whose message
// was already printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "publish, extract and load documents in one process (embedded Kafka, file output by default)", runDemo},
		{"publish", "publish documents under PATH to filings.raw", runPublish},
		{"extract", "run the extract stage: filings.raw to filings.extracted, risk.flags and filings.dlq", runExtract},
		{"load", "run the load stage: filings.extracted and filings.dlq to ClickHouse or files", runLoad},
		{"migrate", "apply the pending ClickHouse schema migrations; --dry-run prints them", runMigrate},
		{"parse", "print a document's parsed text, or the whole parsed document with --json", runParse},
		{"eval", "extract a folder in process and score it against its gold.jsonl: recall, grounding, latency", runEval},
		{"crawl", "fetch 10-K, 10-Q and 8-K earnings documents from SEC EDGAR to a folder or filings.raw", runCrawl},
		{"alerts", "alerts tail: print the alerts on risk.flags, filtered by company, severity and kind", runAlerts},
		{"dlq", "dlq replay: publish the messages of dead letters on filings.dlq again", runDLQ},
		{"serve", "serve the review web application: highlighted filings, review queue, company pages", runServe},
		{"llm-sim", "serve a local stand-in of the DeepSeek API that answers like the rules, with injected faults", runLLMSim},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	var exit exitError
	switch {
	case err == nil:
	case interrupted:
		// 128 + SIGINT, as shells report a program stopped by Ctrl-C.
		if !errors.As(err, &exit) && !errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "finx:", err)
		}
		os.Exit(130)
	case errors.As(err, &exit):
		os.Exit(exit.code)
	case isUsageError(err):
		fmt.Fprintln(os.Stderr, "finx:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "finx:", err)
		os.Exit(1)
	}
}

// isUsageError reports whether err is a mistake on the command line: a flag
// value finx rejects or a required setting left out. Such errors in
// cmd/finx name the flag as "invalid --NAME" or "missing --NAME", or name
// the flag to pass. They exit with status 2, as flag parse errors do.
func isUsageError(err error) bool {
	msg := err.Error()
	if strings.Contains(msg, "invalid --") || strings.Contains(msg, "missing --") {
		return true
	}
	for _, prefix := range []string{"no Kafka brokers:", "no destination:", "pass --"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// parseFlags parses args into fs. The flag package has already printed the
// problem and the usage, so -h returns exit status 0 and any other error 2,
// the usual status of a command-line mistake.
func parseFlags(fs *flag.FlagSet, args []string) error {
	return parseFlagsArgs(fs, args, -1)
}

// parseFlagsArgs is parseFlags that also checks the count of positional
// arguments: exactly n, at least one when n is -2, any when n is -1.
func parseFlagsArgs(fs *flag.FlagSet, args []string, n int) error {
	err := fs.Parse(args)
	if err == nil {
		switch {
		case n >= 0 && fs.NArg() != n:
			fmt.Fprintf(fs.Output(), "finx %s: want %d arguments, got %d: %q\n", fs.Name(), n, fs.NArg(), fs.Args())
			fs.Usage()
			return exitError{2}
		case n == -2 && fs.NArg() == 0:
			fmt.Fprintf(fs.Output(), "finx %s: missing PATH\n", fs.Name())
			fs.Usage()
			return exitError{2}
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return exitError{0}
	default:
		return exitError{2}
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitError{2}
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	fmt.Fprintf(stderr, "finx: unknown command %q\n", args[0])
	return exitError{2}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: finx COMMAND [flags] [args]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
}

// logFlags are the logging flags every command shares.
type logFlags struct {
	level  string
	format string
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.level, "log-level", envOr("FINX_LOG_LEVEL", "warn"), "log level: debug, info, warn or error (env FINX_LOG_LEVEL)")
	fs.StringVar(&l.format, "log-format", envOr("FINX_LOG_FORMAT", "text"), "log format: text or json (env FINX_LOG_FORMAT)")
}

func (l *logFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(l.level)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: want debug, info, warn or error", l.level)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch l.format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("invalid --log-format %q: want text or json", l.format)
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

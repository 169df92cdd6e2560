package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/finx-dev/finx/connectors/files"

	"github.com/finx-dev/finx/connectors/deepseek"
	"github.com/finx-dev/finx/extractors/html"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/pdf"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/extractors/text"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

var (
	_ passes.Provider = (*rules.Provider)(nil)
	_ passes.Provider = (*llm.Provider)(nil)
)

// newExtractor returns the extract stage's work: parse, find sections, run
// the passes with the named provider.
func newExtractor(provider string, logger *slog.Logger) (pipeline.Extractor, passes.Provider, error) {
	p, cfg, err := newProvider(provider, logger)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context, f schemas.Filing, content []byte) (*schemas.Result, error) {
		doc, err := parseDocument(ctx, f, content)
		if err != nil {
			return nil, err
		}
		// A document with no text (a scanned PDF, an empty page tree) would
		// load as an empty success and hide that nothing was read.
		if strings.TrimSpace(doc.Text) == "" {
			return nil, &noTextError{path: f.SourcePath, warnings: doc.Warnings}
		}
		doc.Sections, err = sections.FindContext(ctx, doc)
		if err != nil {
			return nil, err
		}
		return passes.Run(ctx, doc, p, cfg)
	}, p, nil
}

// newProvider picks the extraction provider: offline (the rules), deepseek
// (the LLM, with the rules as its fallback when the API fails), or auto
// (deepseek when DEEPSEEK_API_KEY is set, offline otherwise).
func newProvider(name string, logger *slog.Logger) (passes.Provider, passes.Config, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg := passes.Config{Logger: logger}
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
		dcfg := deepseek.ConfigFromEnv()
		dcfg.Logger = logger
		client, err := deepseek.New(dcfg)
		if err != nil {
			return nil, cfg, fmt.Errorf("provider deepseek: %w (set %s)", err, deepseek.EnvAPIKey)
		}
		complete := llm.CompleterFunc(func(ctx context.Context, system, user string, maxTokens int) (llm.Completion, error) {
			c, err := client.Complete(ctx, system, user, maxTokens)
			return llm.Completion(c), err
		})
		p, err := llm.New(complete, llm.Config{Model: client.Model(), Fallback: rules.New(), Logger: logger})
		if err != nil {
			return nil, cfg, err
		}
		logger.Info("extraction provider", "provider", p.Name(), "config", dcfg)
		return p, cfg, nil
	}
	return nil, cfg, fmt.Errorf("invalid --provider %q: want offline, deepseek or auto", name)
}

// parseDocument parses content by media type and fills the envelope. Fields
// that the document states itself (form, company, CIK, accession) replace
// the ones guessed from the file name.
func parseDocument(ctx context.Context, f schemas.Filing, content []byte) (*schemas.Document, error) {
	var doc *schemas.Document
	var err error
	switch f.MediaType {
	case schemas.MediaPDF:
		doc, err = pdf.Parse(ctx, f.SourcePath, content, pdf.Config{})
	case schemas.MediaHTML, schemas.MediaIXBRL:
		doc, err = html.Parse(ctx, f.SourcePath, content)
	case schemas.MediaText:
		doc, err = text.Parse(ctx, f.SourcePath, content)
	default:
		return nil, &unsupportedError{path: f.SourcePath, mediaType: f.MediaType}
	}
	if err != nil {
		return nil, err
	}
	stated := doc.Filing
	doc.Filing = f
	if stated.Form == "" {
		// The cover page or an EDGAR header line states the form when the
		// markup does not; either beats a guess from the file name.
		stated.Form = sections.Form(doc)
	}
	if stated.Form != "" {
		doc.Form = stated.Form
	}
	// The HTML parser finds inline XBRL elements that the file source's
	// sniffing, which reads only tag names, may have missed.
	if stated.MediaType == schemas.MediaIXBRL {
		doc.MediaType = stated.MediaType
	}
	for _, kv := range []struct {
		dst *string
		src string
	}{
		{&doc.Company, stated.Company}, {&doc.CIK, stated.CIK},
		{&doc.Accession, stated.Accession}, {&doc.FilingDate, stated.FilingDate},
	} {
		if kv.src != "" {
			*kv.dst = kv.src
		}
	}
	return doc, nil
}

type noTextError struct {
	path     string
	warnings []string
}

func (e *noTextError) Error() string {
	msg := e.path + ": no text found (a scanned document without a text layer needs OCR first)"
	if len(e.warnings) > 0 {
		msg += "; parser warnings: " + strings.Join(e.warnings, "; ")
	}
	return msg
}

func (e *noTextError) Reason() string { return "no_text" }

type unsupportedError struct{ path, mediaType string }

func (e *unsupportedError) Error() string {
	return fmt.Sprintf("%s: unsupported media type %q", e.path, e.mediaType)
}

func (e *unsupportedError) Reason() string { return "unsupported_media_type" }

func describe(path string, content []byte) schemas.Filing {
	return files.Describe(path, content, time.Now().UTC()).Filing
}

func findSections(doc *schemas.Document) []schemas.Section { return sections.Find(doc) }

// usageLine describes what an LLM provider spent, for the demo summary, or
// returns "" for the offline provider.
func usageLine(p passes.Provider) string {
	lp, ok := p.(*llm.Provider)
	if !ok {
		return ""
	}
	u := lp.Usage()
	return fmt.Sprintf("%s: %d calls, %d prompt tokens (%d from cache), %d completion tokens, %d repairs, %d batches served by the offline fallback, %d quotes not in the text",
		lp.Name(), u.Calls, u.PromptTokens, u.CacheHitTokens, u.CompletionTokens, u.Repairs, u.Fallbacks, u.Hallucinated)
}

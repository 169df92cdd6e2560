package rules

import (
	"regexp"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// keywordRule maps a pattern to a value; the first matching rule wins.
type keywordRule struct {
	re    *regexp.Regexp
	value string
}

func rule(pattern, value string) keywordRule {
	return keywordRule{re: regexp.MustCompile(`(?i)` + pattern), value: value}
}

// riskCategoryRules are tried in order on the heading, then on the start of
// the body. Specific topics come before broad ones, so that "cyberattacks
// could disrupt our operations" is cybersecurity, not operational.
var riskCategoryRules = []keywordRule{
	rule(`cyber|security breach|hack|data breach|ransomware|information technology systems|unauthorized access`, "cybersecurity"),
	rule(`climate|environmental|sustainab|esg\b|greenhouse|carbon`, "climate_esg"),
	rule(`geopolitic|war\b|terroris|political|trade (dispute|polic|restrict)|tariff|sanction|international operations|conflict`, "geopolitical"),
	rule(`supply chain|supplier|manufactur|component|sole.source|single.source|logistics|raw material`, "supply_chain"),
	rule(`competi`, "competition"),
	rule(`credit rating|credit risk|counterpart|indebtedness|\bdebt\b|borrow`, "credit"),
	rule(`liquidity|cash flow|capital resources|access to capital|financing`, "liquidity"),
	rule(`regulat|law|legal|litigation|government|tax|compliance|antitrust|privacy|intellectual property|patent|sec\b|accounting`, "regulatory_legal"),
	rule(`econom|inflation|interest rate|recession|macroeconomic|pandemic|covid`, "macroeconomic"),
	rule(`market price|stock price|volatil|exchange rate|currenc|investment portfolio|financial markets`, "market"),
	rule(`technolog|software|platform|product development|innovation|artificial intelligence|\bai\b`, "technology"),
	rule(`operation|employee|personnel|talent|management|key person|disrupt|natural disaster|infrastructure|reputation|brand`, "operational"),
}

// severityRules set the severity from the heading and the start of the
// body. High marks threats to the company as a going concern.
var severityRules = []keywordRule{
	rule(`going concern`, "high"),
	rule(`substantial doubt`, "high"),
	rule(`material weakness`, "high"),
	rule(`\bdefault(s|ed)?\b`, "high"),
	rule(`bankruptcy|insolven`, "high"),
	rule(`delist`, "high"),
	rule(`cyber.?attack`, "medium"),
	rule(`materially (and )?adversely affect`, "medium"),
	rule(`material(ly)? adverse (effect|impact)`, "medium"),
	rule(`significant(ly)? (harm|adverse)`, "medium"),
	rule(`could (harm|adversely affect|negatively (affect|impact))`, "medium"),
	rule(`adversely (affect|impact)`, "medium"),
}

// classify sets the category and severity of a risk from its heading and
// the first part of its body.
func classify(c *passes.RiskCandidate, body string) {
	c.Category = "other"
	for _, text := range []string{c.Quote, body} {
		if v := firstMatch(riskCategoryRules, text); v != "" {
			c.Category = v
			break
		}
	}
	c.Severity, c.SeverityReason = "low", "no severity keyword"
	for _, text := range []string{c.Quote, body} {
		for _, r := range severityRules {
			if m := r.re.FindString(text); m != "" {
				if rank(r.value) > rank(c.Severity) {
					c.Severity, c.SeverityReason = r.value, strings.ToLower(m)
				}
				break
			}
		}
	}
}

func firstMatch(rules []keywordRule, text string) string {
	for _, r := range rules {
		if r.re.MatchString(text) {
			return r.value
		}
	}
	return ""
}

func rank(sev string) int {
	switch sev {
	case "high":
		return 2
	case "medium":
		return 1
	}
	return 0
}

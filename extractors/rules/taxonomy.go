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
// could disrupt our operations" is cybersecurity, not operational. Short
// words that end other words carry a leading \b, so that "Operating" does
// not match "ratings?".
var riskCategoryRules = []keywordRule{
	rule(`cyber|security breach|hack|data breach|ransomware|information technology systems|unauthorized access`, "cybersecurity"),
	rule(`climate|environmental|sustainab|\besg\b|greenhouse|carbon`, "climate_esg"),
	rule(`geopolitic|\bwar\b|terroris|political|trade (dispute|polic|restrict)|tariff|sanction|international operations|conflict`, "geopolitical"),
	rule(`supply chain|supplier|manufactur|component|sole.source|single.source|logistics|raw material`, "supply_chain"),
	rule(`competi`, "competition"),
	rule(`credit rating|\bratings?\b|downgrade|credit risk|counterpart|indebtedness|\bdebt\b|borrow|dilution`, "credit"),
	rule(`liquidity|cash flow|capital resources|access to capital|additional capital|raise capital|financing`, "liquidity"),
	rule(`regulat|\blaws?\b|legal|litigation|government|\btax|compliance|antitrust|privacy|intellectual property|patent|\bsec\b|accounting|internal control|polic(y|ies)`, "regulatory_legal"),
	rule(`econom|inflation|interest rate|recession|macroeconomic|pandemic|covid`, "macroeconomic"),
	rule(`market price|stock price|volatil|exchange rate|currenc|investment portfolio|financial markets`, "market"),
	rule(`technolog|software|platform|product development|innovation|artificial intelligence|\bai\b`, "technology"),
	rule(`operation|employee|personnel|talent|management|key person|disrupt|natural disaster|catastroph|infrastructure|reputation|brand|partner|third.party|rel(y|ies) (up)?on|payment processing|claims`, "operational"),
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
	rule(`material(ly)?,? (and )?adverse (effect|impact)`, "medium"),
	rule(`significant(ly)? (harm|adverse)`, "medium"),
	rule(`could (harm|adversely affect|negatively (affect|impact))`, "medium"),
	rule(`adversely (affect|impact)`, "medium"),
}

// impactRe matches the stock phrases of a risk's impact ("our business,
// financial condition and results of operations"). They carry no category,
// so classify removes them before matching.
var impactRe = regexp.MustCompile(`(?i)financial condition|results of operations|operating results|cash flows?|financial results|financial performance|profitability|stock price|price of our (common )?stock`)

// classify sets the category and severity of a risk from its heading and
// the first part of its body. The category keyword that comes first in the
// heading, once the stock impact phrases are removed, wins, because a
// heading names its cause before its effect.
func classify(c *passes.RiskCandidate, body string) {
	c.Category = "other"
	for _, text := range []string{c.Quote, body} {
		if v := earliestMatch(riskCategoryRules, impactRe.ReplaceAllString(text, "")); v != "" {
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

// earliestMatch returns the value of the rule that matches first in text;
// on a tie the earlier rule wins.
func earliestMatch(rules []keywordRule, text string) string {
	best, at := "", -1
	for _, r := range rules {
		if loc := r.re.FindStringIndex(text); loc != nil && (at < 0 || loc[0] < at) {
			best, at = r.value, loc[0]
		}
	}
	return best
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

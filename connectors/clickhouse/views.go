package clickhouse

import (
	"fmt"
	"strings"
)

// View names. The views read the newest version of each row with argMax,
// so they are correct before the background merges of ReplacingMergeTree
// have removed older versions. They use no window functions, FINAL or JOIN
// ON, which clickhouse-server 18.16 lacks.
const (
	// ViewLatestRisks has the newest version of each risk.
	ViewLatestRisks = "latest_risks"
	// ViewLatestMetricItems has the newest version of each metric row.
	ViewLatestMetricItems = "latest_metric_items"
	// ViewLatestGuidanceItems has the newest version of each guidance row.
	ViewLatestGuidanceItems = "latest_guidance_items"
	// ViewLatestMetricsAll has one value per company, metric, period and
	// dimensions: the value of the latest filing among accepted and
	// needs_review rows, with needs_review set for the latter. A row whose
	// duration has no start has period_known = 0 and a row of its own.
	ViewLatestMetricsAll = "latest_metrics_all"
	// ViewLatestMetrics is ViewLatestMetricsAll over accepted rows with a
	// known period only.
	ViewLatestMetrics = "latest_metrics"
	// ViewFilingSequence pairs each filing with the previous filing of the
	// same company and form, by filing date. Filings without a filing date
	// are left out.
	ViewFilingSequence = "filing_sequence"
	// ViewRiskChanges lists risk factors that are new, reworded or removed
	// in a filing compared with the previous filing of its company and form.
	ViewRiskChanges = "risk_changes"
	// ViewGuidanceHistory lists accepted guidance per company, metric and
	// period with the values of the previous filing that guided it.
	ViewGuidanceHistory = "guidance_history"
	// ViewReviewQueue lists needs_review items without a review decision,
	// oldest extraction first.
	ViewReviewQueue = "review_queue"
)

// view is one CREATE VIEW statement. body is its SELECT, with {db} standing
// for the database.
type view struct {
	name string
	body string
}

func (v view) create(database string, ifNotExists bool) string {
	ine := ""
	if ifNotExists {
		ine = "IF NOT EXISTS "
	}
	body := strings.ReplaceAll(v.body, "{db}", quoteIdent(database))
	return fmt.Sprintf("CREATE VIEW %s%s.%s AS\n%s", ine, quoteIdent(database), quoteIdent(v.name), body)
}

// drop returns the statement that removes the view. clickhouse-server 18.16
// has no DROP VIEW; DROP TABLE removes views on every release.
func (v view) drop(database string) string {
	return fmt.Sprintf("DROP TABLE IF EXISTS %s.%s", quoteIdent(database), quoteIdent(v.name))
}

// views returns the views in creation order: each reads only tables and
// views before it.
func views() []view {
	return []view{
		latestItemsView(ViewLatestRisks, TableRisks, []string{
			"cik", "company", "form", "filing_date", "heading", "category", "severity", "severity_reason",
			"section", "change", "previous_id", "quote", "quote_page", "status", "review_reason", "confidence",
			"provider", "model", "prompt_version", "degraded", "extracted_at",
		}),
		latestItemsView(ViewLatestMetricItems, TableMetrics, []string{
			"cik", "company", "form", "filing_date", "metric", "label", "concept", "value", "value_text",
			"display", "scale", "unit", "currency", "period_type", "period_start", "period_end", "dimensions",
			"source", "xbrl_check", "quote", "quote_page", "status", "review_reason", "confidence",
			"provider", "model", "prompt_version", "degraded", "extracted_at",
		}),
		latestItemsView(ViewLatestGuidanceItems, TableGuidance, []string{
			"cik", "company", "form", "filing_date", "metric", "label", "period", "low", "low_text",
			"high", "high_text", "scale", "unit", "currency", "basis", "direction", "prior_low",
			"prior_low_text", "prior_high", "prior_high_text", "quote", "quote_page", "status",
			"review_reason", "confidence", "provider", "model", "prompt_version", "degraded", "extracted_at",
		}),
		latestMetricsView(ViewLatestMetricsAll, "status IN ('accepted', 'needs_review')"),
		latestMetricsView(ViewLatestMetrics, "status = 'accepted' AND "+periodKnownExpr),
		{name: ViewFilingSequence, body: filingSequenceBody},
		{name: ViewRiskChanges, body: riskChangesBody},
		{name: ViewGuidanceHistory, body: guidanceHistoryBody},
		{name: ViewReviewQueue, body: reviewQueueBody},
	}
}

// latestItemsView selects the newest version of each (doc_id, id) of an
// item table, with its company_key (companyKeyExpr), by argMax over a tuple, which clickhouse-server 18.16
// supports while FINAL on a view does not. The subquery gives the tuple a
// name of its own, so that no alias equals a column name inside an
// aggregate, which old and new query analyzers resolve differently.
func latestItemsView(name, table string, cols []string) view {
	var b strings.Builder
	b.WriteString("SELECT\n    doc_id,\n    id,\n")
	for i, c := range cols {
		fmt.Fprintf(&b, "    latest.%d AS %s,\n", i+1, quoteIdent(c))
	}
	fmt.Fprintf(&b, "    latest_version,\n    %s AS company_key\nFROM\n(\n    SELECT\n        doc_id,\n        id,\n", companyKeyExpr)
	fmt.Fprintf(&b, "        argMax(tuple(%s), version) AS latest,\n", strings.Join(quoteAll(cols), ", "))
	fmt.Fprintf(&b, "        max(version) AS latest_version\n    FROM {db}.%s\n    GROUP BY doc_id, id\n)", quoteIdent(table))
	return view{name: name, body: b.String()}
}

// companyKeyExpr keys a row's company by its CIK, else by its company name
// lowercased, else by its document. Filings without a CIK and a name stay
// apart, so that the views do not merge the figures of unrelated
// companies. The prefixes keep a name from equalling a CIK or a document
// id.
//
// NOTE: a name keys only filings that print it the same way up to case;
// "NVIDIA CORP" (EDGAR) and "NVIDIA CORPORATION" (a cover page) are two
// keys. Filings with a CIK do not depend on this.
const companyKeyExpr = "multiIf(cik != '', concat('cik:', cik), company != '', concat('name:', lowerUTF8(company)), concat('doc:', doc_id))"

// periodKnownExpr is 1 for a metric row whose period is fully stated: an
// instant, or a duration with its start. Table and text rows often carry
// only the end, and then a quarter and a year that end on the same date
// look the same.
const periodKnownExpr = "(period_type = 'instant' OR period_start != '')"

// latestMetricsView picks, per company key (companyKeyExpr), metric,
// period and dimensions, the row of the latest filing among the newest
// item versions that match where. Within one filing it prefers an inline
// XBRL fact, then the higher confidence. reports counts the rows that
// stated a value for the key. A row whose period is not fully stated
// (periodKnownExpr) is a group of its own, so that no quarter replaces a
// year that ends on the same date. period_known is 0 on such rows.
func latestMetricsView(name, where string) view {
	cols := []string{"cik", "company", "form", "filing_date", "doc_id", "id", "value", "value_text", "display",
		"scale", "unit", "currency", "source", "xbrl_check", "status", "review_reason", "confidence",
		"quote", "quote_page", "extracted_at"}
	var b strings.Builder
	b.WriteString("SELECT\n    company_key,\n    metric,\n    period_type,\n    period_start,\n    period_end,\n    dimensions,\n    period_known,\n")
	for i, c := range cols {
		fmt.Fprintf(&b, "    pick.%d AS %s,\n", i+1, quoteIdent(c))
	}
	b.WriteString("    pick.15 = 'needs_review' AS needs_review,\n    reports\nFROM\n(\n")
	b.WriteString("    SELECT\n        company_key,\n        metric,\n        period_type,\n        period_start,\n        period_end,\n        dimensions,\n        period_known,\n")
	fmt.Fprintf(&b, "        argMax(tuple(%s), tuple(toDateOrZero(filing_date), latest_version, source = 'ixbrl', confidence)) AS pick,\n", strings.Join(quoteAll(cols), ", "))
	b.WriteString("        count() AS reports\n    FROM\n    (\n")
	fmt.Fprintf(&b, "        SELECT *, toUInt8(%s) AS period_known, if(period_known = 1, '', id) AS unknown_period_item\n", periodKnownExpr)
	fmt.Fprintf(&b, "        FROM {db}.%s\n        WHERE %s\n    )\n", ViewLatestMetricItems, where)
	b.WriteString("    GROUP BY company_key, metric, period_type, period_start, period_end, dimensions, period_known, unknown_period_item\n)")
	return view{name: name, body: b.String()}
}

// filingSequenceBody orders the filings of each company (companyKeyExpr)
// and form by filing date, then document id, with groupArray and pairs
// each with the one before it through arrayJoin, in place of the window
// function lag() that 18.16 lacks. Filings without a filing date are left
// out, because their place in the sequence is unknown.
const filingSequenceBody = `SELECT
    tupleElement(pair, 7) AS cik,
    seq_form AS form,
    tupleElement(pair, 2) AS doc_id,
    tupleElement(pair, 1) AS filing_date,
    tupleElement(pair, 3) AS company,
    tupleElement(pair, 4) AS previous_doc_id,
    tupleElement(pair, 5) AS previous_filing_date,
    tupleElement(pair, 6) AS sequence,
    seq_key AS company_key
FROM
(
    SELECT
        seq_key,
        seq_form,
        arrayJoin(arrayMap(i -> (
            tupleElement(docs[i], 1),
            tupleElement(docs[i], 2),
            tupleElement(docs[i], 3),
            if(i > 1, tupleElement(docs[i - 1], 2), ''),
            if(i > 1, tupleElement(docs[i - 1], 1), ''),
            toUInt32(i),
            tupleElement(docs[i], 4)), arrayEnumerate(docs))) AS pair
    FROM
    (
        SELECT
            ` + companyKeyExpr + ` AS seq_key,
            form AS seq_form,
            arraySort(groupArray(tuple(filing_date, doc_id, company, cik))) AS docs
        FROM
        (
            SELECT
                doc_id,
                tupleElement(filing, 1) AS cik,
                tupleElement(filing, 2) AS form,
                tupleElement(filing, 3) AS filing_date,
                tupleElement(filing, 4) AS company
            FROM
            (
                SELECT doc_id, argMax(tuple(cik, form, filing_date, company), version) AS filing
                FROM {db}.filings
                GROUP BY doc_id
            )
        )
        WHERE filing_date != ''
        GROUP BY seq_key, seq_form
    )
)`

// riskChangesBody compares each filing's risk headings with those of the
// previous filing of the company and form (filing_sequence). Headings
// compare lowercased with runs of white space collapsed. A risk is
// reworded when the extractor marked it so or linked it to a previous
// factor (previous_id) under another heading, and new when neither the
// heading nor such a link exists. A previous risk is removed when no
// current risk has its heading or links to it. The first filing of a
// company and form has no changes.
const riskChangesBody = `SELECT
    cik, company, form, doc_id, filing_date, previous_doc_id, previous_filing_date,
    change_kind AS change, id, previous_id, heading
FROM
(
    SELECT
        cik, company, form, doc_id, filing_date, previous_doc_id, previous_filing_date, id, heading,
        risk_previous_id AS previous_id,
        multiIf(risk_change = 'reworded', 'reworded',
                has(previous_keys, heading_key), 'unchanged',
                risk_previous_id != '', 'reworded',
                'new') AS change_kind
    FROM
    (
        SELECT
            doc_id, id, heading, change AS risk_change, previous_id AS risk_previous_id,
            lowerUTF8(replaceRegexpAll(heading, '\\s+', ' ')) AS heading_key,
            cik, company, form, filing_date, previous_doc_id, previous_filing_date
        FROM {db}.latest_risks AS risk
        ALL INNER JOIN
        (
            SELECT doc_id, previous_doc_id, previous_filing_date
            FROM {db}.filing_sequence
            WHERE previous_doc_id != ''
        ) AS sequence USING doc_id
    ) AS current_risk
    ANY LEFT JOIN
    (
        SELECT doc_id AS previous_doc_id, groupArray(lowerUTF8(replaceRegexpAll(heading, '\\s+', ' '))) AS previous_keys
        FROM {db}.latest_risks
        GROUP BY doc_id
    ) AS previous USING previous_doc_id
    WHERE change_kind IN ('new', 'reworded')
)
UNION ALL
SELECT
    cik, company, form, doc_id, filing_date, previous_doc_id, previous_filing_date,
    'removed' AS change, '' AS id, previous_id, heading
FROM
(
    SELECT
        previous_doc_id, previous_id, heading,
        lowerUTF8(replaceRegexpAll(heading, '\\s+', ' ')) AS heading_key,
        cik, company, form, doc_id, filing_date, previous_filing_date, current_keys, current_links
    FROM
    (
        SELECT doc_id AS previous_doc_id, id AS previous_id, heading
        FROM {db}.latest_risks
    ) AS previous_risk
    ALL INNER JOIN
    (
        SELECT cik, company, form, doc_id, filing_date, previous_doc_id, previous_filing_date, current_keys, current_links
        FROM {db}.filing_sequence AS sequence
        ANY LEFT JOIN
        (
            SELECT
                doc_id,
                groupArray(lowerUTF8(replaceRegexpAll(heading, '\\s+', ' '))) AS current_keys,
                groupArray(previous_id) AS current_links
            FROM {db}.latest_risks
            GROUP BY doc_id
        ) AS current USING doc_id
        WHERE previous_doc_id != ''
    ) AS successor USING previous_doc_id
)
WHERE NOT has(current_keys, heading_key) AND NOT has(current_links, previous_id)`

// guidanceHistoryBody lists the newest accepted guidance rows per company,
// metric, period (lowercased) and basis in filing order, with the range of
// the previous filing that guided the same key. observed_direction compares
// the midpoints of the two ranges in base units. It is initiated for the
// first filing, and empty when a bound is not a Decimal(38, 6). direction
// is what the document itself stated. Companies are keyed as in
// latestMetricsView.
const guidanceHistoryBody = `SELECT
    company_key,
    cik,
    metric,
    period_key,
    basis,
    tupleElement(entry, 1) AS filing_date,
    tupleElement(entry, 2) AS doc_id,
    tupleElement(entry, 3) AS id,
    tupleElement(entry, 4) AS company,
    tupleElement(entry, 5) AS form,
    tupleElement(entry, 6) AS period,
    tupleElement(entry, 7) AS low_text,
    tupleElement(entry, 8) AS high_text,
    tupleElement(entry, 9) AS scale,
    tupleElement(entry, 10) AS unit,
    tupleElement(entry, 11) AS direction,
    tupleElement(entry, 12) AS prior_low_text,
    tupleElement(entry, 13) AS prior_high_text,
    tupleElement(entry, 15) AS previous_filing_date,
    tupleElement(entry, 16) AS previous_low_text,
    tupleElement(entry, 17) AS previous_high_text,
    multiIf(tupleElement(entry, 15) = '', 'initiated',
            isNull(tupleElement(entry, 14)) OR isNull(tupleElement(entry, 18)), '',
            assumeNotNull(tupleElement(entry, 14)) > assumeNotNull(tupleElement(entry, 18)), 'raised',
            assumeNotNull(tupleElement(entry, 14)) < assumeNotNull(tupleElement(entry, 18)), 'lowered',
            'maintained') AS observed_direction,
    tupleElement(entry, 19) AS sequence
FROM
(
    SELECT
        company_key, cik, metric, period_key, basis,
        arrayJoin(arrayMap(i -> (
            tupleElement(rows[i], 1), tupleElement(rows[i], 2), tupleElement(rows[i], 3),
            tupleElement(rows[i], 4), tupleElement(rows[i], 5), tupleElement(rows[i], 6),
            tupleElement(rows[i], 7), tupleElement(rows[i], 8), tupleElement(rows[i], 9),
            tupleElement(rows[i], 10), tupleElement(rows[i], 11), tupleElement(rows[i], 12),
            tupleElement(rows[i], 13), tupleElement(rows[i], 14),
            if(i > 1, tupleElement(rows[i - 1], 1), ''),
            if(i > 1, tupleElement(rows[i - 1], 7), ''),
            if(i > 1, tupleElement(rows[i - 1], 8), ''),
            if(i > 1, tupleElement(rows[i - 1], 14), NULL),
            toUInt32(i)), arrayEnumerate(rows))) AS entry
    FROM
    (
        SELECT
            company_key, cik, metric, lowerUTF8(period) AS period_key, basis,
            arraySort(groupArray(tuple(filing_date, doc_id, id, company, form, period, low_text, high_text,
                scale, unit, direction, prior_low_text, prior_high_text,
                (toFloat64(low) + toFloat64(high)) / 2 * pow(10, scale)))) AS rows
        FROM
        (
            SELECT *
            FROM {db}.latest_guidance_items
            WHERE status = 'accepted'
        )
        GROUP BY company_key, cik, metric, period_key, basis
    )
)`

// reviewQueueBody lists the newest versions of needs_review items that no
// review decision names yet, oldest extraction first. The enumeration
// columns go through toString, because UNION ALL on 18.16 finds no common
// type for String and LowCardinality(String).
const reviewQueueBody = `SELECT kind, doc_id, item_id, cik, company, form, filing_date, label, review_reason, confidence, provider, extracted_at
FROM
(
    SELECT 'risk' AS kind, doc_id, id AS item_id, cik, company, toString(form) AS form, filing_date,
        heading AS label, toString(review_reason) AS review_reason, confidence, toString(provider) AS provider,
        extracted_at, toString(status) AS item_status
    FROM {db}.latest_risks
    UNION ALL
    SELECT 'metric' AS kind, doc_id, id AS item_id, cik, company, toString(form) AS form, filing_date,
        label, toString(review_reason) AS review_reason, confidence, toString(provider) AS provider,
        extracted_at, toString(status) AS item_status
    FROM {db}.latest_metric_items
    UNION ALL
    SELECT 'guidance' AS kind, doc_id, id AS item_id, cik, company, toString(form) AS form, filing_date,
        label, toString(review_reason) AS review_reason, confidence, toString(provider) AS provider,
        extracted_at, toString(status) AS item_status
    FROM {db}.latest_guidance_items
)
WHERE item_status = 'needs_review'
    AND (doc_id, item_id) NOT IN (SELECT doc_id, item_id FROM {db}.review_decisions)
ORDER BY extracted_at, doc_id, kind, item_id`

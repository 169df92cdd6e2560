package passes

import "strings"

// Metric keys of the metric taxonomy, as stored in Metric.Metric.
const (
	MetricRevenue            = "revenue"
	MetricNetIncome          = "net_income"
	MetricEPSDiluted         = "eps_diluted"
	MetricEPSBasic           = "eps_basic"
	MetricOperatingIncome    = "operating_income"
	MetricGrossProfit        = "gross_profit"
	MetricOperatingCashFlow  = "operating_cash_flow"
	MetricCapex              = "capex"
	MetricFreeCashFlow       = "free_cash_flow"
	MetricCash               = "cash"
	MetricTotalAssets        = "total_assets"
	MetricTotalLiabilities   = "total_liabilities"
	MetricTotalDebt          = "total_debt"
	MetricSharesOutstanding  = "shares_outstanding"
	MetricDividendsPerShare  = "dividends_per_share"
	MetricAdjustedEBITDA     = "adjusted_ebitda"
	MetricCurrentLiabilities = "current_liabilities"
	MetricOther              = "other"
)

// conceptMetrics maps XBRL concepts (prefix:local name) to metric keys.
var conceptMetrics = map[string]string{
	"us-gaap:Revenues": MetricRevenue,
	"us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax": MetricRevenue,
	"us-gaap:RevenueFromContractWithCustomerIncludingAssessedTax": MetricRevenue,
	"us-gaap:SalesRevenueNet":                                     MetricRevenue,
	"us-gaap:NetIncomeLoss":                                       MetricNetIncome,
	"us-gaap:EarningsPerShareDiluted":                             MetricEPSDiluted,
	"us-gaap:EarningsPerShareBasic":                               MetricEPSBasic,
	"us-gaap:EarningsPerShareBasicAndDiluted":                     MetricEPSDiluted,
	"us-gaap:OperatingIncomeLoss":                                 MetricOperatingIncome,
	"us-gaap:GrossProfit":                                         MetricGrossProfit,
	"us-gaap:NetCashProvidedByUsedInOperatingActivities":          MetricOperatingCashFlow,
	"us-gaap:PaymentsToAcquirePropertyPlantAndEquipment":          MetricCapex,
	"us-gaap:PaymentsToAcquireProductiveAssets":                   MetricCapex,
	"us-gaap:CashAndCashEquivalentsAtCarryingValue":               MetricCash,
	"us-gaap:Assets":                                              MetricTotalAssets,
	"us-gaap:Liabilities":                                         MetricTotalLiabilities,
	"us-gaap:LiabilitiesCurrent":                                  MetricCurrentLiabilities,
	"us-gaap:LongTermDebt":                                        MetricTotalDebt,
	"us-gaap:LongTermDebtNoncurrent":                              MetricTotalDebt,
	"dei:EntityCommonStockSharesOutstanding":                      MetricSharesOutstanding,
	"us-gaap:CommonStockDividendsPerShareDeclared":                MetricDividendsPerShare,
	"us-gaap:CommonStockDividendsPerShareCashPaid":                MetricDividendsPerShare,
}

// MetricForConcept returns the metric key of an XBRL concept such as
// "us-gaap:NetIncomeLoss", or "" when the concept is not in the taxonomy.
// The prefix is compared case-insensitively because filings spell it
// "us-gaap" or "US-GAAP".
func MetricForConcept(concept string) string {
	if m, ok := conceptMetrics[concept]; ok {
		return m
	}
	prefix, local, ok := strings.Cut(concept, ":")
	if !ok {
		return ""
	}
	return conceptMetrics[strings.ToLower(prefix)+":"+local]
}

"""The two feature tables of the feature-table issue, spelled exactly as users write them."""

import yaml

MALL = yaml.safe_load('''
features:
  annual_income: {column: "Annual Income (k$)", label: Annual income, unit: USD, scale: 1000, range: [0, 10000000]}
  spending_score: {column: "Spending Score (1-100)", label: Spending score, unit: score, range: [0, 100]}
''')["features"]

CRM = yaml.safe_load('''
features:
  annual_income: {column: Income, label: Annual income, unit: USD, range: [0, 10000000]}
  age: {derive: years_since, column: Year_Birth, reference: "2014-12-31", label: Age, unit: years, range: [18, 100]}
  total_spend: {derive: sum, columns: [MntWines, MntFruits, MntMeatProducts, MntFishProducts, MntSweetProducts, MntGoldProds], label: Total spend, unit: USD, range: [0, null]}
  recency: {column: Recency, label: Days since last purchase, unit: days, range: [0, 3650]}
''')["features"]

# The categorical-columns issue (issue 20, item 2): numbers and categories, for k-prototypes.
TELECOM_PARAMETERS = '''
features:
  tenure: {column: tenure, label: Tenure, unit: months, range: [0, 120]}
  monthly_charges: {column: MonthlyCharges, label: Monthly charges, unit: USD, range: [0, 1000]}
  contract: {column: Contract, type: category, label: Contract}
  internet: {column: InternetService, type: category, label: Internet service}
clustering:
  algorithm: kprototypes
'''
TELECOM = yaml.safe_load(TELECOM_PARAMETERS)["features"]

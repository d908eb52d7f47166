# proscribe report messages: English (the reference; every other language has exactly these ids).
# Vendor, product and act names are never translated: they stay as the catalog sources them.

## Counts

count-items = { $count ->
    [one] 1 item
   *[other] { $count } items
}
count-findings = { $count ->
    [one] 1 finding
   *[other] { $count } findings
}
count-targets = { $count ->
    [one] 1 target
   *[other] { $count } targets
}

## Statuses and deadline steps

status-banned = banned
status-restricted = restricted
status-review = review
deadline-identify = identify
deadline-plan = plan
deadline-remove = remove
overdue = OVERDUE

## Terminal table

table-catalog = catalog { $version }
table-host = host
table-read = read
table-read-target = { $target } ({ $format }, { $items })
table-more-targets = and { $targets } more ({ $items })
label-product = product
label-via = via
label-where = where
label-evidence = evidence
label-acts = acts
label-deadline = deadline
label-exception = exception
evidence-more = +{ $count } more
deadline-by = { $kind } by { $date } ({ $act })
exception-until = { $id } until { $until }: { $reason }
exception-open = { $id }: { $reason }
exception-expired = exception expired
summary-none = No findings in { $items }.
summary-line = { $findings } in { $items }: { $banned } banned, { $restricted } restricted, { $review } review
summary-excepted = { $count } excepted
errors-title = { $count ->
    [one] 1 input could not be read:
   *[other] { $count } inputs could not be read:
}

## HTML report

html-title = proscribe report
html-generated = Generated
html-tool = Tool
html-catalog = Catalog
html-host = Host
html-inputs = Inputs read
html-summary = Summary
html-card-findings = Findings
html-card-items = Items read
html-card-overdue = Overdue
html-card-excepted = Excepted
html-card-errors = Unreadable inputs
chart-status = Findings by status
chart-vendor = Findings by vendor
chart-act = Findings by act
chart-deadlines = Deadlines
chart-today = today
chart-others = { $count ->
    [one] 1 other
   *[other] { $count } others
}
chart-empty = Nothing to show.
chart-deadline-point = { $kind } { $date } ({ $act }): { $findings }
html-findings = Findings
col-status = Status
col-vendor = Vendor
col-product = Product
col-item = Item
col-version = Version
col-where = Where
col-acts = Acts
col-deadline = Deadline
filter-label = Filter
filter-placeholder = Name, vendor, act, file…
filter-status-all = All statuses
filter-vendor-all = All vendors
filter-overdue = Overdue only
filter-shown = Showing { $from }–{ $to } of { $shown } ({ $total } in total)
filter-none = No finding matches the filter.
pager-previous = Previous
pager-next = Next
details-show = Details
detail-id = Finding id
detail-kind = Kind
detail-publisher = Publisher
detail-entity = Matched via
detail-location = Location
detail-evidence = Evidence
detail-acts = Acts
detail-act-date = adopted { $date }
detail-deadline = Deadline
detail-exception = Exception
exception-state-active = active
exception-state-expired = expired — the finding counts again
exception-approved-by = approved by { $who }
exception-reference = reference { $reference }
excepted = excepted
no-findings = No findings.
noscript-capped = Without JavaScript this page lists the first { $shown } of { $total } findings. Enable JavaScript to sort and filter all of them, or use the JSON or CSV report.
html-errors = Inputs that could not be read
html-warnings = Warnings
html-sources = Vendor, product and act names are shown as the catalog sources them; each act links to its primary source.

## Markdown report and removal plan

md-generated = Generated { $date } by { $tool } { $version } with catalog { $catalog } (`{ $digest }`).
md-generated-on-host = Generated { $date } by { $tool } { $version } with catalog { $catalog } (`{ $digest }`) on host { $host }.
md-host-unnamed = (unnamed)
md-summary = { $items } items read from { $targets } targets; { $findings } findings, { $excepted } of them under an active exception.
md-overdue-count = Overdue (no active exception): { $count }.
md-exception-until = { $id } until { $until }
md-exception-expired = { $id } **expired** { $until }
md-exceptions = Exceptions
md-col-state = State
md-col-until = Until
md-col-approved-by = Approved by
md-col-reference = Reference
md-col-reason = Reason
md-state-expired = expired
md-plan-title = Removal plan
md-plan-summary = { $items } items on { $hosts } hosts in { $groups } groups: { $overdue } overdue, { $excepted } under an active exception, { $without } without a known uninstall command.
md-col-report = Report
md-plan-nothing = Nothing to remove.
md-plan-any-product = { $vendor } (any product)
md-plan-deadline-overdue = { $kind } by { $date }, **overdue** ({ $act })
md-plan-no-deadline = none set by the acts
md-plan-replace-category = Replace with: another { $category } product
md-plan-replace-any = Replace with: another product (no category in the catalog)
md-col-uninstall = Uninstall
md-col-found-at = Found at

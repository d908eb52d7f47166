# proscribe-Berichtstexte: Deutsch. Namen von Herstellern, Produkten und Rechtsakten werden
# nicht übersetzt, sie stehen so da, wie der Katalog sie belegt.

## Anzahlen

count-items = { $count ->
    [one] 1 Eintrag
   *[other] { $count } Einträge
}
count-findings = { $count ->
    [one] 1 Befund
   *[other] { $count } Befunde
}
count-targets = { $count ->
    [one] 1 Ziel
   *[other] { $count } Ziele
}

## Status und Fristschritte

status-banned = verboten
status-restricted = eingeschränkt
status-review = prüfen
deadline-identify = erfassen
deadline-plan = planen
deadline-remove = entfernen
overdue = ÜBERFÄLLIG

## Terminal-Tabelle

table-catalog = Katalog { $version }
table-host = Host
table-read = gelesen
table-read-target = { $target } ({ $format }, { $items })
table-more-targets = und { $targets } weitere ({ $items })
label-product = Produkt
label-via = über
label-where = Fundort
label-evidence = Nachweis
label-acts = Rechtsakte
label-deadline = Frist
label-exception = Ausnahme
evidence-more = +{ $count } weitere
deadline-by = { $kind } bis { $date } ({ $act })
exception-until = { $id } bis { $until }: { $reason }
exception-open = { $id }: { $reason }
exception-expired = Ausnahme abgelaufen
summary-none = Keine Befunde in { $items }.
summary-line = { $findings } in { $items }: { $banned } verboten, { $restricted } eingeschränkt, { $review } zu prüfen
summary-excepted = { $count } mit Ausnahme
errors-title = { $count ->
    [one] 1 Eingabe konnte nicht gelesen werden:
   *[other] { $count } Eingaben konnten nicht gelesen werden:
}

## HTML-Bericht

html-title = proscribe-Bericht
html-generated = Erstellt
html-tool = Werkzeug
html-catalog = Katalog
html-host = Host
html-inputs = Gelesene Eingaben
html-summary = Übersicht
html-card-findings = Befunde
html-card-items = Gelesene Einträge
html-card-overdue = Überfällig
html-card-excepted = Mit Ausnahme
html-card-errors = Nicht lesbare Eingaben
chart-status = Befunde nach Status
chart-vendor = Befunde nach Hersteller
chart-act = Befunde nach Rechtsakt
chart-deadlines = Fristen
chart-today = heute
chart-others = { $count ->
    [one] 1 weiterer
   *[other] { $count } weitere
}
chart-empty = Nichts darzustellen.
chart-deadline-point = { $kind } { $date } ({ $act }): { $findings }
html-findings = Befunde
col-status = Status
col-vendor = Hersteller
col-product = Produkt
col-item = Eintrag
col-version = Version
col-where = Fundort
col-acts = Rechtsakte
col-deadline = Frist
filter-label = Filter
filter-placeholder = Name, Hersteller, Rechtsakt, Datei…
filter-status-all = Alle Status
filter-vendor-all = Alle Hersteller
filter-overdue = Nur überfällige
filter-shown = { $from }–{ $to } von { $shown } ({ $total } insgesamt)
filter-none = Kein Befund passt zum Filter.
pager-previous = Zurück
pager-next = Weiter
details-show = Details
detail-id = Befund-ID
detail-kind = Art
detail-publisher = Herausgeber
detail-entity = Gefunden über
detail-location = Fundort
detail-evidence = Nachweis
detail-acts = Rechtsakte
detail-act-date = erlassen am { $date }
detail-deadline = Frist
detail-exception = Ausnahme
exception-state-active = gültig
exception-state-expired = abgelaufen – der Befund zählt wieder
exception-approved-by = genehmigt von { $who }
exception-reference = Aktenzeichen { $reference }
excepted = Ausnahme
no-findings = Keine Befunde.
noscript-capped = Ohne JavaScript zeigt diese Seite die ersten { $shown } von { $total } Befunden. Aktivieren Sie JavaScript, um alle zu sortieren und zu filtern, oder verwenden Sie den JSON- oder CSV-Bericht.
html-errors = Eingaben, die nicht gelesen werden konnten
html-warnings = Warnungen
html-sources = Namen von Herstellern, Produkten und Rechtsakten stehen so da, wie der Katalog sie belegt; jeder Rechtsakt verweist auf seine Primärquelle.

## Markdown-Bericht und Entfernungsplan

md-generated = Erstellt { $date } von { $tool } { $version } mit Katalog { $catalog } (`{ $digest }`).
md-generated-on-host = Erstellt { $date } von { $tool } { $version } mit Katalog { $catalog } (`{ $digest }`) auf Host { $host }.
md-host-unnamed = (ohne Namen)
md-summary = { $items } Einträge aus { $targets } Zielen gelesen; { $findings } Befunde, davon { $excepted } unter einer gültigen Ausnahme.
md-overdue-count = Überfällig (ohne gültige Ausnahme): { $count }.
md-exception-until = { $id } bis { $until }
md-exception-expired = { $id } **abgelaufen** { $until }
md-exceptions = Ausnahmen
md-col-state = Zustand
md-col-until = Gültig bis
md-col-approved-by = Genehmigt von
md-col-reference = Aktenzeichen
md-col-reason = Begründung
md-state-expired = abgelaufen
md-plan-title = Entfernungsplan
md-plan-summary = { $items } Einträge auf { $hosts } Hosts in { $groups } Gruppen: { $overdue } überfällig, { $excepted } unter einer gültigen Ausnahme, { $without } ohne bekannten Deinstallationsbefehl.
md-col-report = Bericht
md-plan-nothing = Nichts zu entfernen.
md-plan-any-product = { $vendor } (jedes Produkt)
md-plan-deadline-overdue = { $kind } bis { $date }, **überfällig** ({ $act })
md-plan-no-deadline = von den Rechtsakten nicht festgelegt
md-plan-replace-category = Ersetzen durch: ein anderes Produkt der Kategorie { $category }
md-plan-replace-any = Ersetzen durch: ein anderes Produkt (keine Kategorie im Katalog)
md-col-uninstall = Deinstallation
md-col-found-at = Fundort

# Messages des rapports proscribe : français. Les noms de fournisseurs, de produits et d'actes
# ne sont pas traduits : ils restent tels que le catalogue les cite.

## Nombres

count-items = { $count ->
    [one] { $count } élément
   *[other] { $count } éléments
}
count-findings = { $count ->
    [one] { $count } constat
   *[other] { $count } constats
}
count-targets = { $count ->
    [one] { $count } cible
   *[other] { $count } cibles
}

## Statuts et étapes des échéances

status-banned = interdit
status-restricted = restreint
status-review = à examiner
deadline-identify = identifier
deadline-plan = planifier
deadline-remove = retirer
overdue = EN RETARD

## Tableau du terminal

table-catalog = catalogue { $version }
table-host = hôte
table-read = lu
table-read-target = { $target } ({ $format }, { $items })
table-more-targets = et { $targets } de plus ({ $items })
label-product = produit
label-via = via
label-where = emplacement
label-evidence = preuve
label-acts = actes
label-deadline = échéance
label-exception = exception
evidence-more = +{ $count } autres
deadline-by = { $kind } avant le { $date } ({ $act })
exception-until = { $id } jusqu'au { $until } : { $reason }
exception-open = { $id } : { $reason }
exception-expired = exception expirée
summary-none = Aucun constat dans { $items }.
summary-line = { $findings } dans { $items } : { $banned } interdits, { $restricted } restreints, { $review } à examiner
summary-excepted = { $count } sous exception
errors-title = { $count ->
    [one] { $count } entrée n'a pas pu être lue :
   *[other] { $count } entrées n'ont pas pu être lues :
}

## Rapport HTML

html-title = rapport proscribe
html-generated = Généré le
html-tool = Outil
html-catalog = Catalogue
html-host = Hôte
html-inputs = Entrées lues
html-summary = Résumé
html-card-findings = Constats
html-card-items = Éléments lus
html-card-overdue = En retard
html-card-excepted = Sous exception
html-card-errors = Entrées illisibles
chart-status = Constats par statut
chart-vendor = Constats par fournisseur
chart-act = Constats par acte
chart-deadlines = Échéances
chart-today = aujourd'hui
chart-others = { $count ->
    [one] { $count } autre
   *[other] { $count } autres
}
chart-empty = Rien à afficher.
chart-deadline-point = { $kind } { $date } ({ $act }) : { $findings }
html-findings = Constats
col-status = Statut
col-vendor = Fournisseur
col-product = Produit
col-item = Élément
col-version = Version
col-where = Emplacement
col-acts = Actes
col-deadline = Échéance
filter-label = Filtre
filter-placeholder = Nom, fournisseur, acte, fichier…
filter-status-all = Tous les statuts
filter-vendor-all = Tous les fournisseurs
filter-overdue = En retard seulement
filter-shown = { $from }–{ $to } sur { $shown } ({ $total } au total)
filter-none = Aucun constat ne correspond au filtre.
pager-previous = Précédent
pager-next = Suivant
details-show = Détails
detail-id = Identifiant du constat
detail-kind = Type
detail-publisher = Éditeur
detail-entity = Trouvé via
detail-location = Emplacement
detail-evidence = Preuve
detail-acts = Actes
detail-act-date = adopté le { $date }
detail-deadline = Échéance
detail-exception = Exception
exception-state-active = en vigueur
exception-state-expired = expirée — le constat compte de nouveau
exception-approved-by = approuvée par { $who }
exception-reference = référence { $reference }
excepted = sous exception
no-findings = Aucun constat.
noscript-capped = Sans JavaScript, cette page montre les { $shown } premiers constats sur { $total }. Activez JavaScript pour tous les trier et filtrer, ou utilisez le rapport JSON ou CSV.
html-errors = Entrées qui n'ont pas pu être lues
html-warnings = Avertissements
html-sources = Les noms de fournisseurs, de produits et d'actes sont donnés tels que le catalogue les cite ; chaque acte renvoie à sa source primaire.

## Rapport Markdown et plan de retrait

md-generated = Généré le { $date } par { $tool } { $version } avec le catalogue { $catalog } (`{ $digest }`).
md-generated-on-host = Généré le { $date } par { $tool } { $version } avec le catalogue { $catalog } (`{ $digest }`) sur l'hôte { $host }.
md-host-unnamed = (sans nom)
md-summary = { $items } éléments lus dans { $targets } cibles ; { $findings } constats, dont { $excepted } sous une exception en vigueur.
md-overdue-count = En retard (sans exception en vigueur) : { $count }.
md-exception-until = { $id } jusqu'au { $until }
md-exception-expired = { $id } **expirée** { $until }
md-exceptions = Exceptions
md-col-state = État
md-col-until = Jusqu'au
md-col-approved-by = Approuvée par
md-col-reference = Référence
md-col-reason = Motif
md-state-expired = expirée
md-plan-title = Plan de retrait
md-plan-summary = { $items } éléments sur { $hosts } hôtes en { $groups } groupes : { $overdue } en retard, { $excepted } sous une exception en vigueur, { $without } sans commande de désinstallation connue.
md-col-report = Rapport
md-plan-nothing = Rien à retirer.
md-plan-any-product = { $vendor } (tout produit)
md-plan-deadline-overdue = { $kind } avant le { $date }, **en retard** ({ $act })
md-plan-no-deadline = aucune fixée par les actes
md-plan-replace-category = Remplacer par : un autre produit de la catégorie { $category }
md-plan-replace-any = Remplacer par : un autre produit (aucune catégorie dans le catalogue)
md-col-uninstall = Désinstallation
md-col-found-at = Trouvé à

//! Report text in several languages, from Fluent message files.
//!
//! Every fixed string a writer prints comes from `locales/<lang>/report.ftl`, embedded at
//! build time so the binary needs no files at run time. Message ids are a closed set,
//! the [`Msg`] enum, so a writer cannot ask for a message that does not exist, and a test
//! checks that every language defines exactly that set. Plural forms are chosen by
//! Fluent's CLDR plural rules (French counts 0 as singular, Japanese has no plural).
//! Vendor, product and act names are data, never messages: they stay as the catalog
//! sources them.
//!
//! Placeables are not wrapped in Unicode isolation marks (Fluent's default), because the
//! table measures text in terminal columns and the HTML writer isolates data itself
//! (`<bdi>`, `dir="auto"`).

use std::fmt;
use std::str::FromStr;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the reports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    /// English, the reference language.
    #[default]
    En,
    /// German.
    De,
    /// French.
    Fr,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::De, Lang::Fr, Lang::Ja];

    /// The BCP 47 language tag (`en`, `de`, `fr`, `ja`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Ja => "ja",
        }
    }

    /// The embedded Fluent source.
    pub fn ftl(self) -> &'static str {
        match self {
            Self::En => include_str!("../locales/en/report.ftl"),
            Self::De => include_str!("../locales/de/report.ftl"),
            Self::Fr => include_str!("../locales/fr/report.ftl"),
            Self::Ja => include_str!("../locales/ja/report.ftl"),
        }
    }

    /// The language of a locale name as the environment spells it (`de_DE.UTF-8`,
    /// `fr_CA@euro`, `ja-JP`, `en`); `None` for a language without messages, and for
    /// `C` and `POSIX`, which name no language.
    pub fn from_locale(locale: &str) -> Option<Self> {
        let lang = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.tag() == lang)
    }

    /// The language the environment asks for: the first set, non-empty one of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` (POSIX precedence), English when it names none we have.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok();
        Self::from_locale_vars(
            var("LC_ALL").as_deref(),
            var("LC_MESSAGES").as_deref(),
            var("LANG").as_deref(),
        )
    }

    /// [`Lang::from_env`] over given values, so the precedence can be tested.
    pub fn from_locale_vars(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Self {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .and_then(Self::from_locale)
            .unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The error of parsing a [`Lang`]: the value names no supported language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}` (known: en, de, fr, ja)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_locale(s).ok_or_else(|| UnknownLang(s.to_owned()))
    }
}

macro_rules! messages {
    ($($variant:ident => $id:literal,)*) => {
        /// A message id: every fixed string of every writer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Msg {
            $($variant,)*
        }

        impl Msg {
            /// Every message, in the order of the English file.
            pub const ALL: &'static [Msg] = &[$(Msg::$variant,)*];

            /// The Fluent message id.
            pub fn id(self) -> &'static str {
                match self {
                    $(Msg::$variant => $id,)*
                }
            }
        }
    };
}

messages! {
    CountItems => "count-items",
    CountFindings => "count-findings",
    CountTargets => "count-targets",
    StatusBanned => "status-banned",
    StatusRestricted => "status-restricted",
    StatusReview => "status-review",
    DeadlineIdentify => "deadline-identify",
    DeadlinePlan => "deadline-plan",
    DeadlineRemove => "deadline-remove",
    Overdue => "overdue",
    TableCatalog => "table-catalog",
    TableHost => "table-host",
    TableRead => "table-read",
    TableReadTarget => "table-read-target",
    TableMoreTargets => "table-more-targets",
    LabelProduct => "label-product",
    LabelVia => "label-via",
    LabelWhere => "label-where",
    LabelEvidence => "label-evidence",
    LabelActs => "label-acts",
    LabelDeadline => "label-deadline",
    LabelException => "label-exception",
    EvidenceMore => "evidence-more",
    DeadlineBy => "deadline-by",
    ExceptionUntil => "exception-until",
    ExceptionOpen => "exception-open",
    ExceptionExpired => "exception-expired",
    SummaryNone => "summary-none",
    SummaryLine => "summary-line",
    SummaryExcepted => "summary-excepted",
    ErrorsTitle => "errors-title",
    HtmlTitle => "html-title",
    HtmlGenerated => "html-generated",
    HtmlTool => "html-tool",
    HtmlCatalog => "html-catalog",
    HtmlHost => "html-host",
    HtmlInputs => "html-inputs",
    HtmlSummary => "html-summary",
    HtmlCardFindings => "html-card-findings",
    HtmlCardItems => "html-card-items",
    HtmlCardOverdue => "html-card-overdue",
    HtmlCardExcepted => "html-card-excepted",
    HtmlCardErrors => "html-card-errors",
    ChartStatus => "chart-status",
    ChartVendor => "chart-vendor",
    ChartAct => "chart-act",
    ChartDeadlines => "chart-deadlines",
    ChartToday => "chart-today",
    ChartOthers => "chart-others",
    ChartEmpty => "chart-empty",
    ChartDeadlinePoint => "chart-deadline-point",
    HtmlFindings => "html-findings",
    ColStatus => "col-status",
    ColVendor => "col-vendor",
    ColProduct => "col-product",
    ColItem => "col-item",
    ColVersion => "col-version",
    ColWhere => "col-where",
    ColActs => "col-acts",
    ColDeadline => "col-deadline",
    FilterLabel => "filter-label",
    FilterPlaceholder => "filter-placeholder",
    FilterStatusAll => "filter-status-all",
    FilterVendorAll => "filter-vendor-all",
    FilterOverdue => "filter-overdue",
    FilterShown => "filter-shown",
    FilterNone => "filter-none",
    PagerPrevious => "pager-previous",
    PagerNext => "pager-next",
    DetailsShow => "details-show",
    DetailId => "detail-id",
    DetailKind => "detail-kind",
    DetailPublisher => "detail-publisher",
    DetailEntity => "detail-entity",
    DetailLocation => "detail-location",
    DetailEvidence => "detail-evidence",
    DetailActs => "detail-acts",
    DetailActDate => "detail-act-date",
    DetailDeadline => "detail-deadline",
    DetailException => "detail-exception",
    ExceptionStateActive => "exception-state-active",
    ExceptionStateExpired => "exception-state-expired",
    ExceptionApprovedBy => "exception-approved-by",
    ExceptionReference => "exception-reference",
    Excepted => "excepted",
    NoFindings => "no-findings",
    NoscriptCapped => "noscript-capped",
    HtmlErrors => "html-errors",
    HtmlWarnings => "html-warnings",
    HtmlSources => "html-sources",
    MdGenerated => "md-generated",
    MdGeneratedOnHost => "md-generated-on-host",
    MdHostUnnamed => "md-host-unnamed",
    MdSummary => "md-summary",
    MdOverdueCount => "md-overdue-count",
    MdExceptionUntil => "md-exception-until",
    MdExceptionExpired => "md-exception-expired",
    MdExceptions => "md-exceptions",
    MdColState => "md-col-state",
    MdColUntil => "md-col-until",
    MdColApprovedBy => "md-col-approved-by",
    MdColReference => "md-col-reference",
    MdColReason => "md-col-reason",
    MdStateExpired => "md-state-expired",
    MdPlanTitle => "md-plan-title",
    MdPlanSummary => "md-plan-summary",
    MdColReport => "md-col-report",
    MdPlanNothing => "md-plan-nothing",
    MdPlanAnyProduct => "md-plan-any-product",
    MdPlanDeadlineOverdue => "md-plan-deadline-overdue",
    MdPlanNoDeadline => "md-plan-no-deadline",
    MdPlanReplaceCategory => "md-plan-replace-category",
    MdPlanReplaceAny => "md-plan-replace-any",
    MdColUninstall => "md-col-uninstall",
    MdColFoundAt => "md-col-found-at",
}

/// An argument of a message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    /// Text, inserted as it is.
    Str(&'a str),
    /// A number; selects plural forms.
    Num(usize),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Self::Str(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Self::Str(s)
    }
}

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Self::Num(n)
    }
}

/// The messages of one language, ready to format.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    /// English, for a message a translation lacks (the tests make sure none does).
    fallback: Option<Box<Messages>>,
}

impl fmt::Debug for Messages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Messages")
            .field("lang", &self.lang)
            .finish()
    }
}

impl Messages {
    /// Loads the embedded messages of `lang`.
    pub fn new(lang: Lang) -> Self {
        let fallback = (lang != Lang::En).then(|| Box::new(Self::new(Lang::En)));
        let tag: LanguageIdentifier = lang.tag().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new(vec![tag]);
        bundle.set_use_isolating(false);
        // A syntax error keeps the entries that did parse; `i18n` tests fail on any.
        let resource =
            FluentResource::try_new(lang.ftl().to_owned()).unwrap_or_else(|(res, _)| res);
        // Only duplicate ids fail here, and the test of the files rejects those too.
        let _ = bundle.add_resource(resource);
        Self {
            lang,
            bundle,
            fallback,
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A message without arguments.
    pub fn get(&self, msg: Msg) -> String {
        self.format(msg, &[])
    }

    /// A message whose only argument is `$count`.
    pub fn count(&self, msg: Msg, count: usize) -> String {
        self.format(msg, &[("count", Arg::Num(count))])
    }

    /// A message with named arguments.
    pub fn format(&self, msg: Msg, args: &[(&str, Arg<'_>)]) -> String {
        let pattern = self.bundle.get_message(msg.id()).and_then(|m| m.value());
        let Some(pattern) = pattern else {
            return match &self.fallback {
                Some(en) => en.format(msg, args),
                None => msg.id().to_owned(),
            };
        };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            match *value {
                Arg::Str(s) => fargs.set(*name, FluentValue::from(s)),
                Arg::Num(n) => fargs.set(*name, FluentValue::from(n)),
            }
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// POSIX precedence: `LC_ALL` over `LC_MESSAGES` over `LANG`; empty values skipped.
    #[test]
    fn language_from_environment() {
        assert_eq!(Lang::from_locale_vars(None, None, None), Lang::En);
        assert_eq!(
            Lang::from_locale_vars(None, None, Some("de_DE.UTF-8")),
            Lang::De
        );
        assert_eq!(
            Lang::from_locale_vars(Some("ja_JP.UTF-8"), Some("fr_FR"), Some("de_DE")),
            Lang::Ja
        );
        assert_eq!(
            Lang::from_locale_vars(Some(""), Some("fr_CA@euro"), Some("de_DE")),
            Lang::Fr
        );
        assert_eq!(
            Lang::from_locale_vars(Some("C.UTF-8"), None, None),
            Lang::En
        );
        assert_eq!(Lang::from_locale_vars(None, None, Some("pt_BR")), Lang::En);
        assert_eq!("ja-JP".parse::<Lang>(), Ok(Lang::Ja));
        assert!("xx".parse::<Lang>().is_err());
    }

    /// Plural forms follow each language's rules, not English's.
    #[test]
    fn plurals_follow_cldr() {
        let en = Messages::new(Lang::En);
        assert_eq!(en.count(Msg::CountFindings, 1), "1 finding");
        assert_eq!(en.count(Msg::CountFindings, 0), "0 findings");
        let fr = Messages::new(Lang::Fr);
        assert_eq!(fr.count(Msg::CountFindings, 0), "0 constat");
        assert_eq!(fr.count(Msg::CountFindings, 2), "2 constats");
        let de = Messages::new(Lang::De);
        assert_eq!(de.count(Msg::CountItems, 1), "1 Eintrag");
        assert_eq!(de.count(Msg::CountItems, 46), "46 Einträge");
        let ja = Messages::new(Lang::Ja);
        assert_eq!(ja.count(Msg::CountFindings, 3), "3 件の検出");
    }
}

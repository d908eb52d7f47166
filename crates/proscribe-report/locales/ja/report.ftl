# proscribe レポートのメッセージ：日本語。ベンダー名・製品名・法令名は翻訳せず、
# カタログの出典どおりに表示する。

## 件数

count-items = { $count } 項目
count-findings = { $count } 件の検出
count-targets = { $count } 対象

## ステータスと期限の段階

status-banned = 禁止
status-restricted = 制限
status-review = 要確認
deadline-identify = 特定
deadline-plan = 計画
deadline-remove = 撤去
overdue = 期限超過

## 端末向けの表

table-catalog = カタログ { $version }
table-host = ホスト
table-read = 読込
table-read-target = { $target }（{ $format }、{ $items }）
table-more-targets = ほか { $targets }（{ $items }）
label-product = 製品
label-via = 経由
label-where = 場所
label-evidence = 根拠
label-acts = 法令
label-deadline = 期限
label-exception = 例外
evidence-more = ほか { $count } 件
deadline-by = { $date } までに{ $kind }（{ $act }）
exception-until = { $id }（{ $until } まで）：{ $reason }
exception-open = { $id }：{ $reason }
exception-expired = 例外失効
summary-none = { $items }中、検出なし。
summary-line = { $findings }（{ $items }中）：禁止 { $banned }、制限 { $restricted }、要確認 { $review }
summary-excepted = 例外適用 { $count }
errors-title = { $count } 件の入力を読み込めませんでした：

## HTML レポート

html-title = proscribe レポート
html-generated = 作成日時
html-tool = ツール
html-catalog = カタログ
html-host = ホスト
html-inputs = 読み込んだ入力
html-summary = 概要
html-card-findings = 検出
html-card-items = 読み込んだ項目
html-card-overdue = 期限超過
html-card-excepted = 例外適用
html-card-errors = 読み込めない入力
chart-status = ステータス別の検出
chart-vendor = ベンダー別の検出
chart-act = 法令別の検出
chart-deadlines = 期限
chart-today = 今日
chart-others = その他 { $count }
chart-empty = 表示するものはありません。
chart-deadline-point = { $kind } { $date }（{ $act }）：{ $findings }
html-findings = 検出
col-status = ステータス
col-vendor = ベンダー
col-product = 製品
col-item = 項目
col-version = バージョン
col-where = 場所
col-acts = 法令
col-deadline = 期限
filter-label = 絞り込み
filter-placeholder = 名前、ベンダー、法令、ファイル…
filter-status-all = すべてのステータス
filter-vendor-all = すべてのベンダー
filter-overdue = 期限超過のみ
filter-shown = { $shown } 件中 { $from }–{ $to } 件を表示（全 { $total } 件）
filter-none = 条件に一致する検出はありません。
pager-previous = 前へ
pager-next = 次へ
details-show = 詳細
detail-id = 検出 ID
detail-kind = 種類
detail-publisher = 発行元
detail-entity = 一致した名義
detail-location = 場所
detail-evidence = 根拠
detail-acts = 法令
detail-act-date = { $date } 制定
detail-deadline = 期限
detail-exception = 例外
exception-state-active = 有効
exception-state-expired = 失効（検出は再び有効）
exception-approved-by = 承認者 { $who }
exception-reference = 参照番号 { $reference }
excepted = 例外適用
no-findings = 検出はありません。
noscript-capped = JavaScript なしでは全 { $total } 件のうち最初の { $shown } 件のみ表示します。すべてを並べ替え・絞り込みするには JavaScript を有効にするか、JSON または CSV レポートを使用してください。
html-errors = 読み込めなかった入力
html-warnings = 警告
html-sources = ベンダー名・製品名・法令名はカタログの出典どおりに表示しています。各法令は一次資料にリンクしています。

## Markdown レポートと撤去計画

md-generated = { $date } に { $tool } { $version } で作成（カタログ { $catalog }、`{ $digest }`）。
md-generated-on-host = { $date } にホスト { $host } 上で { $tool } { $version } により作成（カタログ { $catalog }、`{ $digest }`）。
md-host-unnamed = （名前なし）
md-summary = { $targets } 対象から { $items } 項目を読み込み、検出 { $findings } 件（うち有効な例外の適用 { $excepted } 件）。
md-overdue-count = 期限超過（有効な例外なし）：{ $count } 件。
md-exception-until = { $id }（{ $until } まで）
md-exception-expired = { $id } **失効** { $until }
md-exceptions = 例外
md-col-state = 状態
md-col-until = 有効期限
md-col-approved-by = 承認者
md-col-reference = 参照番号
md-col-reason = 理由
md-state-expired = 失効
md-plan-title = 撤去計画
md-plan-summary = { $hosts } ホスト上の { $items } 項目（{ $groups } グループ）：期限超過 { $overdue }、有効な例外の適用 { $excepted }、既知のアンインストールコマンドなし { $without }。
md-col-report = レポート
md-plan-nothing = 撤去するものはありません。
md-plan-any-product = { $vendor }（全製品）
md-plan-deadline-overdue = { $date } までに{ $kind }、**期限超過**（{ $act }）
md-plan-no-deadline = 法令による期限なし
md-plan-replace-category = 代替：別の { $category } 製品
md-plan-replace-any = 代替：別の製品（カタログにカテゴリなし）
md-col-uninstall = アンインストール
md-col-found-at = 検出場所

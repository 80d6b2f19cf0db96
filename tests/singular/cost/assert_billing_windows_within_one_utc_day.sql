{#
    The incremental cost models re-compute whole window_date days and assume a billing window
    never crosses UTC midnight (billing.usage rows are per usage_date, in practice clock hours).
    Rows returned = windows that would break that assumption.
#}
select
    workspace_id,
    warehouse_id,
    sku_name,
    window_start_at,
    window_end_at
from {{ ref('int_billing_windows_netted') }}
where window_end_at > cast({{ genie_analytics.date_add_days('window_date', 1) }} as timestamp)

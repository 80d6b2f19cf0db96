{#
    What the build did not take at face value, counted: one row per (source_table, issue).
    handling says where the rows went:
      quarantined              not in staging; the rows are in stg_system__rows_quarantined
                               (null keys, conflicting versions of a key, held billing records);
      no_cost_weight           statements kept but given no cost weight
                               (statement_weight_exclusion_reason);
      own_reconciliation_line  SQL billing kept as its own line of genie_cost_reconciliation
                               (no warehouse_id, or a warehouse of another region);
      unpriced                 billing records with no USD list price: USD 0, DBUs shown as
                               unpriced_dbu in the cost marts.
    amount_dbu is the billed DBU involved (0 where none; held billing records' DBU are in no
    cost total, so raw billing = cost marts + held amount_dbu).
#}
with

quarantined as (
    select * from {{ ref('stg_system__rows_quarantined') }}
),

allocations as (
    select * from {{ ref('int_queries_allocated_to_billing_windows') }}
),

reconciliation as (
    select * from {{ ref('genie_cost_reconciliation') }}
),

priced_usage as (
    select * from {{ ref('int_billing_usage_priced') }}
),

quarantine_counts as (
    select
        source_table,
        quarantine_reason as issue,
        'quarantined' as handling,
        count(*) as row_count,
        coalesce(sum(cast(held_dbu as double)), 0.0) as amount_dbu
    from quarantined
    group by source_table, quarantine_reason
),

weightless_statements as (
    select distinct
        workspace_id,
        statement_id,
        weight_exclusion_reason
    from allocations
    where weight_exclusion_reason is not null
),

weight_counts as (
    select
        'query.history' as source_table,
        weight_exclusion_reason as issue,
        'no_cost_weight' as handling,
        count(*) as row_count,
        0.0 as amount_dbu
    from weightless_statements
    group by weight_exclusion_reason
),

line_counts as (
    select
        'billing.usage' as source_table,
        reconciliation_line as issue,
        'own_reconciliation_line' as handling,
        count(*) as row_count,
        sum(unobservable_dbu) as amount_dbu
    from reconciliation
    where reconciliation_line <> 'warehouse_window'
    group by reconciliation_line
),

unpriced_counts as (
    select
        'billing.usage' as source_table,
        'no_list_price' as issue,
        'unpriced' as handling,
        count(*) as row_count,
        sum(cast(usage_quantity as double)) as amount_dbu
    from priced_usage
    where not is_priced
),

final as (
    select * from quarantine_counts
    union all
    select * from weight_counts
    union all
    select * from line_counts
    union all
    select * from unpriced_counts
    where row_count > 0
)

select * from final

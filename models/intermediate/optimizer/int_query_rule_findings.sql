{#
    One row per (workspace_id, statement_id, optimization_type): every query of the lookback
    window (var optimizer_lookback_days, ending on optimizer_as_of_date) that trips a QUERY-scope
    rule of seeds/optimization_rules.csv, with the numbers that tripped it and its saving.

    Text rules read the normalised text (stg_system__query_history.normalized_statement_text:
    lowercase, comments removed, literals replaced by ?), so a `select *` inside a comment or a string literal does not
    count. Not incremental: REPEATED_UNCACHED counts repeats across the whole window, so a
    finding depends on the window rather than on its own day.
#}
{#- tag daily: a finding is one query's, and REPEATED_UNCACHED counts a text's repeats
    over the whole 30-day window, which no daily sum gives back; the rules are unchanged, and
    the model runs in the bundle's daily job (genie_analytics_daily) instead of every hour. -#}
{{ config(materialized='table', tags=['daily']) }}

{#- The window's bounds: the as-of date is a literal computed at compile time
    (optimizer_as_of_date), so both sides prune their date partitions. -#}
{%- set as_of_sql = genie_analytics.optimizer_as_of_date(ref('genie_query_performance'), 'query_date') -%}
{%- set window_bounds = 'queries.query_date <= ' ~ as_of_sql ~ ' and queries.query_date > '
    ~ genie_analytics.date_add_days(as_of_sql, - var('optimizer_lookback_days')) -%}
{%- set query_rules = [
    'SELECT_STAR', 'ORDER_BY_NO_LIMIT', 'LONG_RUNNING', 'HIGH_COST', 'SPILL', 'POOR_PRUNING',
    'QUEUEING', 'COLD_START', 'REPEATED_UNCACHED', 'FAILED_BURN', 'SMALL_FILES',
] -%}

with

queries as (
    select * from {{ ref('genie_query_performance') }}
),

fingerprints as (
    select
        workspace_id,
        statement_id,
        query_date,
        normalized_statement_text
    from {{ ref('stg_system__query_history') }}
    where {{ window_bounds | replace('queries.', '') }}
),

rules as (
    select * from {{ ref('optimization_rules') }}
    where rule_scope = 'QUERY'
),

as_of as (
    select {{ as_of_sql }} as as_of_date
),

windowed as (
    select
        queries.*,
        fingerprints.normalized_statement_text,
        {# Window clauses (one nesting level) removed, so only a query-level ORDER BY counts. #}
        {{ genie_analytics.regexp_replace_all(
            'fingerprints.normalized_statement_text',
            '\\bover\\s*\\((?:[^()]|\\([^()]*\\))*\\)',
            ' over ()',
        ) }} as text_without_windows
    from queries
    cross join as_of
    left join fingerprints
        on
            queries.workspace_id = fingerprints.workspace_id
            and queries.query_id = fingerprints.statement_id
            {#- The same day on both sides (statement_id is unique; query_date is the date
                both tables are laid out by), so the fingerprints' days prune too. #}
            and queries.query_date = fingerprints.query_date
    where {{ window_bounds }}
),

uncached_repeats as (
    {#
        Repeats of the exact text (not the fingerprint: other literals are other results) that
        the result cache did not serve, over the window and on the text's busiest day.
    #}
    select
        *,
        {#- No text, no text rule: workspaces with customer-managed keys
            have an empty statement_text, which must not make one giant repeated text. #}
        statement_type = 'SELECT'
        and not coalesce(is_from_result_cache, false)
        and normalized_statement_text is not null as is_uncached_select,
        count(*) over (
            partition by
                workspace_id,
                statement_type,
                coalesce(is_from_result_cache, false),
                md5(query_text),
                query_date
        ) as same_text_day_executions,
        count(*) over (
            partition by
                workspace_id,
                statement_type,
                coalesce(is_from_result_cache, false),
                md5(query_text)
        ) as same_text_executions
    from windowed
),

measured as (
    select
        *,
        coalesce(estimated_cost_usd, 0.0) as cost_usd,
        coalesce(compute_cost_dbu, 0.0) as cost_dbu,
        case
            when coalesce(written_files, 0) > 0 then cast(written_bytes as double) / written_files
        end as avg_written_file_bytes,
        case when is_uncached_select then same_text_executions else 0 end as uncached_text_executions,
        case
            when is_uncached_select
                then max(same_text_day_executions) over (
                    partition by
                        workspace_id,
                        statement_type,
                        coalesce(is_from_result_cache, false),
                        md5(query_text)
                )
            else 0
        end as uncached_text_max_day_executions,
        {#
            The result cache never serves a statement with a non-deterministic function, so its
            repeats always recompute; a deterministic text repeated across days usually
            recomputes because its data changed, which is no waste, unless it repeats many
            times within one day.
        #}
        {{ genie_analytics.regexp_contains(
            'normalized_statement_text',
            '\\b(?:current_date|current_timestamp|current_time|localtimestamp)\\b|\\b(?:now|rand|random|uuid|unix_timestamp|getdate)\\s*\\('
        ) }} as has_nondeterministic_function
    from uncached_repeats
),

flagged as (
    select
        *,
        {{ genie_analytics.regexp_contains('normalized_statement_text', '\\bselect\\s+(?:distinct\\s+)?(?:[a-z_][a-z0-9_]*\\.)?\\*')
        }} and coalesce(bytes_read, 0) >= {{ var('optimizer_select_star_min_read_bytes') }} as is_select_star,
        {{ genie_analytics.regexp_contains('text_without_windows', '\\border\\s+by\\b') }}
        and not {{ genie_analytics.regexp_contains('text_without_windows', '\\blimit\\s+\\?') }}
        and coalesce(produced_rows, 0) >= {{ var('optimizer_order_by_min_produced_rows') }} as is_order_by_no_limit,
        coalesce(duration_ms, 0) >= {{ var('optimizer_long_running_min_duration_ms') }} as is_long_running,
        cost_usd >= {{ var('optimizer_high_cost_min_query_usd') }} as is_high_cost,
        coalesce(spilled_local_bytes, 0) >= {{ var('optimizer_spill_min_bytes') }}
        and coalesce(spilled_local_bytes, 0) > 0 as is_spill,
        coalesce(bytes_read, 0) >= {{ var('optimizer_poor_pruning_min_read_bytes') }}
        and pruning_ratio < {{ var('optimizer_poor_pruning_max_pruned_fraction') }} as is_poor_pruning,
        coalesce(waiting_at_capacity_duration_ms, 0) >= {{ var('optimizer_queueing_min_wait_ms') }}
        and coalesce(waiting_at_capacity_duration_ms, 0) > 0 as is_queueing,
        coalesce(waiting_for_compute_duration_ms, 0) >= {{ var('optimizer_cold_start_min_wait_ms') }}
        and coalesce(waiting_for_compute_duration_ms, 0) > 0 as is_cold_start,
        uncached_text_executions >= {{ var('optimizer_repeated_min_executions') }}
        and (
            has_nondeterministic_function
            or uncached_text_max_day_executions >= {{ var('optimizer_repeated_min_executions_per_day') }}
        ) as is_repeated_uncached,
        coalesce(is_failed, false)
        and coalesce(total_task_duration_ms, 0) >= {{ var('optimizer_failed_burn_min_task_ms') }} as is_failed_burn,
        coalesce(written_files, 0) >= {{ var('optimizer_small_files_min_files') }}
        and avg_written_file_bytes < {{ var('optimizer_small_files_max_avg_file_bytes') }} as is_small_files
    from measured
),

{%- set evidence = {
    'SELECT_STAR': "'read_bytes=' || cast(bytes_read as string)",
    'ORDER_BY_NO_LIMIT': "'produced_rows=' || cast(produced_rows as string)",
    'LONG_RUNNING': "'duration_ms=' || cast(duration_ms as string)",
    'HIGH_COST': "'cost_usd=' || cast(round(cost_usd, 2) as string)",
    'SPILL': "'spilled_local_bytes=' || cast(spilled_local_bytes as string)",
    'POOR_PRUNING': "'read_bytes=' || cast(bytes_read as string) || ', pruned_fraction=' || cast(round(pruning_ratio, 3) as string)",
    'QUEUEING': "'waiting_at_capacity_ms=' || cast(waiting_at_capacity_duration_ms as string)",
    'COLD_START': "'waiting_for_compute_ms=' || cast(waiting_for_compute_duration_ms as string)",
    'REPEATED_UNCACHED': "'uncached_text_executions=' || cast(uncached_text_executions as string) || ', max_per_day=' || cast(uncached_text_max_day_executions as string) || ', non_deterministic=' || cast(has_nondeterministic_function as string)",
    'FAILED_BURN': "'total_task_duration_ms=' || cast(total_task_duration_ms as string)",
    'SMALL_FILES': "'written_files=' || cast(written_files as string) || ', avg_file_bytes=' || cast(cast(avg_written_file_bytes as bigint) as string)",
} %}

findings as (
    {%- for rule in query_rules %}
        select
            workspace_id,
            query_id as statement_id,
            '{{ rule }}' as optimization_type,
            {{ evidence[rule] }} as evidence
        from flagged
        where is_{{ rule | lower }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        findings.workspace_id,
        findings.statement_id,
        findings.optimization_type,
        flagged.warehouse_id,
        flagged.user_id as executed_by,
        flagged.query_fingerprint,
        flagged.query_source_type,
        flagged.query_source_id,
        flagged.query_date,
        flagged.start_time as started_at,
        flagged.duration_ms,
        findings.evidence,
        flagged.cost_usd,
        flagged.cost_dbu,
        case when rules.savings_basis = 'query_cost' then flagged.cost_usd * rules.savings_fraction else 0.0 end
            as estimated_savings_usd,
        case when rules.savings_basis = 'query_cost' then flagged.cost_dbu * rules.savings_fraction else 0.0 end
            as estimated_savings_dbu
    from findings
    inner join flagged
        on
            findings.workspace_id = flagged.workspace_id
            and findings.statement_id = flagged.query_id
    inner join rules
        on findings.optimization_type = rules.optimization_type
)

select * from final

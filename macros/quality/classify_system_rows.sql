{#
    The one rule, shared by each system staging model and by stg_system__rows_quarantined, for
    which delivered rows of a system table are kept and which are quarantined (so the two sides
    cannot disagree). Hand-written: no dbt package classifies rows this way.

    `relation` is the name of a CTE (or relation) holding the raw source rows. Returns one
    select with every source column plus
      _row_json            the whole row as JSON text (row_to_json): the content compared
                           between deliveries and kept in the quarantine;
      _quarantine_reason   null = keep; else, in this order:
                             'null_key'                  a key column is null or blank;
                             'null_<column>'             a required column is null;
                             the reasons of `extra_reasons` ((condition, reason) pairs,
                             conditions may use window functions over the deduplicated rows);
                             'conflicting_content'       the key was delivered with different
                                                         content (every version quarantined:
                                                         no version is guessed right).
    Deliveries of the same row (identical content) collapse to one row.

    ignore_columns: top-level columns left out of the comparison (a delivery detail, not
    content): billing.usage's ingestion_date (a record re-delivered on another day is the same
    record), and the SCD tables' delete_time (the same change delivered once before and once
    after the deletion). Rows equal but for them collapse to one, the first in
    `keep_order` (e.g. 'delete_time desc nulls last': the deleting row), then by _row_json.
    _content_json is the JSON compared (_row_json without the ignored columns).

    check_conflicts=false (query.history, where versions of one key are legitimate progress
    updates deduplicated by the model itself, and where 10M rows a day make the JSON of every row
    too costly) only classifies null keys / required columns, and computes _row_json only for
    the rows it quarantines.
#}
{#
    partition_date_column: a date column derived from the row's own content (e.g.
    access.audit's event_date) added to the key of both windows, so a reader's filter on it is
    pushed below the deduplication to the source's date partitions (a filter on a column outside
    a window's PARTITION BY cannot be; the view was read whole for every reader). Versions of a
    key on different dates are then two rows, not a conflict: the unique test on the key (full
    tests) reports them.
#}
{% macro classify_system_rows(relation, key_columns, required_columns=[], extra_reasons=[], check_conflicts=true, ignore_columns=[], keep_order=none, partition_date_column=none) -%}
    {%- set window_keys = (key_columns + ([partition_date_column] if partition_date_column else [])) | join(', ') -%}
    {%- set null_checks = [] -%}
    {%- for column in key_columns -%}
        {#- A blank key (empty or spaces) is no key either, as in the Genie models. -#}
        {%- do null_checks.append("nullif(trim(cast(" ~ column ~ " as string)), '') is null") -%}
    {%- endfor -%}
    {%- set null_key = null_checks | join(' or ') -%}
    {%- if check_conflicts %}
    select
        *,
        case
            when {{ null_key }} then 'null_key'
            {%- for column in required_columns %}
            when {{ column }} is null then 'null_{{ column }}'
            {%- endfor %}
            {%- for condition, reason in extra_reasons %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
            when _min_content_json <> _max_content_json then 'conflicting_content'
        end as _quarantine_reason
    from (
        select
            *,
            row_number() over (
                partition by {{ window_keys }}, _content_json
                order by {% if keep_order %}{{ keep_order }}, {% endif %}_row_json
            ) as _delivery_rank,
            min(_content_json) over (partition by {{ window_keys }}) as _min_content_json,
            max(_content_json) over (partition by {{ window_keys }}) as _max_content_json
        from (
            select
                *,
                {{ genie_analytics.json_without_keys('_row_json', ignore_columns) }} as _content_json
            from (
                select
                    source_rows.*,
                    {{ genie_analytics.row_to_json('source_rows') }} as _row_json
                from {{ relation }} as source_rows
            ) as with_row_json
        ) as with_content_json
    ) as delivered
    where _delivery_rank = 1
    {%- else %}
    select
        source_rows.*,
        case
            when {{ null_key }} then 'null_key'
            {%- for column in required_columns %}
            when {{ column }} is null then 'null_{{ column }}'
            {%- endfor %}
        end as _quarantine_reason,
        case
            when {{ null_key }}
                {%- for column in required_columns %} or {{ column }} is null{% endfor %}
                then {{ genie_analytics.row_to_json('source_rows') }}
        end as _row_json
    from {{ relation }} as source_rows
    {%- endif %}
{%- endmacro %}


{#
    The value classes of system.billing.usage that are held out of every cost total (shown in
    stg_system__rows_quarantined, their DBU in genie_data_quality) instead of being summed:
      - 'null_usage_quantity': a NULL quantity is unknown, not 0;
      - 'restatement_without_retraction': Databricks documents a correction as a RETRACTION
        (negated quantity) plus, optionally, a RESTATEMENT (the corrected record, whose fields,
        e.g. usage_metadata.budget_policy_id or sku_name, may differ from the ORIGINAL's);
        summing over all record types nets correctly only when both are there. A RESTATEMENT
        without a RETRACTION would be added on top of the ORIGINAL, so it is held until its
        RETRACTION arrives (the next build then nets both). They are matched on the usage
        window only (workspace_id, cloud, usage_unit, usage_start_time, usage_end_time), not
        on fields a correction changes (matching those held corrections forever while their
        RETRACTION netted the ORIGINAL to 0); within a window the first n RESTATEMENTs (by
        record_id) ride on its n RETRACTIONs, the rest are held (no double count).
#}
{% macro billing_quarantine_reasons() -%}
    {#- usage_date (the day of usage_start_time) is part of the window only so a filter on it
        reaches billing.usage's partitions; it splits no usage window. -#}
    {%- set usage_window = 'workspace_id, cloud, usage_unit, usage_start_time, usage_end_time, usage_date' -%}
    {{ return([
        ("usage_quantity is null", "null_usage_quantity"),
        ("record_type = 'RESTATEMENT' and row_number() over (partition by " ~ usage_window ~ ", record_type order by record_id) > sum(case when record_type = 'RETRACTION' then 1 else 0 end) over (partition by " ~ usage_window ~ ")", "restatement_without_retraction"),
    ]) }}
{%- endmacro %}


{#
    For the reconciliation tests: system.billing.usage straight from the source (same-row
    deliveries counted once, also when only their ingestion_date differs; nothing else
    filtered), one row per delivered row with its usage_quantity as usage_dbu, and is_held = the
    row belongs to a class staging must hold out of every cost total. The classes are computed
    here from the raw columns, independently of classify_system_rows / billing_quarantine_reasons
    (the rules under test), from their documented definitions:
      - a null or blank record_id, or a null workspace_id, usage_date, usage_start_time or
        usage_end_time;
      - a null usage_quantity;
      - a record_id delivered with different content (every version is held);
      - a RESTATEMENT beyond the number of RETRACTIONs of its usage window (workspace_id, cloud,
        usage_unit, usage_start_time, usage_end_time), in record_id order.
#}
{#- from_date ('YYYY-MM-DD' or none): only usage_date >= it, compared in the source scan as a
    literal so billing.usage's partitions prune (the tests' incremental window);
    same-row deliveries and held classes are then judged within those days. -#}
{% macro raw_billing_rows(from_date=none) -%}
    {%- set usage_window = 'workspace_id_raw, cloud, usage_unit, usage_start_time, usage_end_time' -%}
    select
        workspace_id,
        usage_date,
        window_date,
        warehouse_id,
        is_sql_warehouse_usage,
        usage_dbu,
        row_json,
        (
            nullif(trim(cast(record_id as string)), '') is null
            or workspace_id_raw is null
            or usage_date is null
            or usage_start_time is null
            or usage_end_time is null
            or usage_quantity is null
            or min_row_json_of_record <> max_row_json_of_record
            or (record_type = 'RESTATEMENT' and restatement_rank > window_retractions)
        ) as is_held
    from (
        select
            distinct_rows.*,
            min(row_json) over (partition by record_id) as min_row_json_of_record,
            max(row_json) over (partition by record_id) as max_row_json_of_record,
            row_number() over (
                partition by {{ usage_window }}, record_type order by record_id
            ) as restatement_rank,
            sum(case when record_type = 'RETRACTION' then 1 else 0 end) over (
                partition by {{ usage_window }}
            ) as window_retractions
        from (
            select distinct
                source_rows.record_id,
                source_rows.workspace_id as workspace_id_raw,
                coalesce(cast(source_rows.workspace_id as string), '(null)') as workspace_id,
                source_rows.cloud,
                source_rows.usage_unit,
                source_rows.record_type,
                source_rows.usage_start_time,
                source_rows.usage_end_time,
                source_rows.usage_quantity,
                source_rows.usage_date,
                cast(source_rows.usage_start_time as date) as window_date,
                coalesce(source_rows.usage_metadata.warehouse_id, '(missing)') as warehouse_id,
                source_rows.usage_metadata.warehouse_id is not null
                or source_rows.billing_origin_product = 'SQL' as is_sql_warehouse_usage,
                coalesce(cast(source_rows.usage_quantity as double), 0.0) as usage_dbu,
                {{ genie_analytics.json_without_keys(genie_analytics.row_to_json('source_rows'), ['ingestion_date']) }} as row_json
            from {{ source('billing', 'usage') }} as source_rows
            {%- if genie_analytics.as_date(from_date) is not none %}
            where {{ genie_analytics.window_predicate('source_rows.usage_date', from_date) }}
            {%- endif %}
        ) as distinct_rows
    ) as raw_rows
{%- endmacro %}

{#
    The one rule, shared by each system staging model and by stg_system__rows_quarantined, for
    which delivered rows of a system table are kept and which are quarantined (so the two sides
    cannot disagree). Hand-written: no dbt package classifies rows this way.

    `relation` is the name of a CTE (or relation) holding the raw source rows. Returns one
    select with every source column plus
      _row_json            the whole row as JSON text (row_to_json): the content compared
                           between deliveries and kept in the quarantine;
      _quarantine_reason   null = keep; else, in this order:
                             'null_key'                  a key column is null;
                             'null_<column>'             a required column is null;
                             the reasons of `extra_reasons` ((condition, reason) pairs,
                             conditions may use window functions over the deduplicated rows);
                             'conflicting_content'       the key was delivered with different
                                                         content (every version quarantined:
                                                         no version is guessed right).
    Deliveries of the same row (identical content) collapse to one row.

    check_conflicts=false (query.history, where versions of one key are legitimate progress
    updates deduplicated by the model itself, and where 10M rows a day make the JSON of every row
    too costly) only classifies null keys / required columns, and computes _row_json only for
    the rows it quarantines.
#}
{% macro classify_system_rows(relation, key_columns, required_columns=[], extra_reasons=[], check_conflicts=true) -%}
    {%- set null_checks = [] -%}
    {%- for column in key_columns -%}
        {%- do null_checks.append(column ~ ' is null') -%}
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
            when _min_row_json <> _max_row_json then 'conflicting_content'
        end as _quarantine_reason
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}, _row_json order by _row_json
            ) as _delivery_rank,
            min(_row_json) over (partition by {{ key_columns | join(', ') }}) as _min_row_json,
            max(_row_json) over (partition by {{ key_columns | join(', ') }}) as _max_row_json
        from (
            select
                source_rows.*,
                {{ genie_analytics.row_to_json('source_rows') }} as _row_json
            from {{ relation }} as source_rows
        ) as with_row_json
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
    A whole row of a relation alias as JSON text (maps and structs nested as objects).
    DuckDB: a table alias is a struct of its columns; Spark/Databricks: struct(alias.*).
#}
{% macro row_to_json(alias) -%}
    {{ return(adapter.dispatch('row_to_json', 'genie_analytics')(alias)) }}
{%- endmacro %}

{% macro default__row_to_json(alias) -%}
    cast(to_json({{ alias }}) as string)
{%- endmacro %}

{% macro spark__row_to_json(alias) -%}
    to_json(struct({{ alias }}.*))
{%- endmacro %}


{#
    A struct or map expression as JSON text, e.g. to compare usage_metadata between records.
#}
{% macro to_json_text(expression) -%}
    {{ return(adapter.dispatch('to_json_text', 'genie_analytics')(expression)) }}
{%- endmacro %}

{% macro default__to_json_text(expression) -%}
    cast(to_json({{ expression }}) as string)
{%- endmacro %}

{% macro spark__to_json_text(expression) -%}
    to_json({{ expression }})
{%- endmacro %}


{#
    The value classes of system.billing.usage that are held out of every cost total (shown in
    stg_system__rows_quarantined, their DBU in genie_data_quality) instead of being summed:
      - 'null_usage_quantity': a NULL quantity is unknown, not 0;
      - 'restatement_without_retraction': Databricks documents a correction as a RETRACTION
        (same fields, negated quantity) plus, optionally, a RESTATEMENT; summing over all record
        types nets correctly only when both are there. A RESTATEMENT whose usage (workspace,
        SKU, usage window, usage_metadata) has no RETRACTION would be added on top of the
        ORIGINAL, so it is held until its RETRACTION arrives (the next build then nets both).
#}
{% macro billing_quarantine_reasons() -%}
    {{ return([
        ("usage_quantity is null", "null_usage_quantity"),
        ("record_type = 'RESTATEMENT' and sum(case when record_type = 'RETRACTION' then 1 else 0 end) over (partition by workspace_id, sku_name, usage_start_time, usage_end_time, " ~ genie_analytics.to_json_text('usage_metadata') ~ ") = 0", "restatement_without_retraction"),
    ]) }}
{%- endmacro %}


{#
    For the reconciliation tests: system.billing.usage straight from the source (same-row
    deliveries counted once, nothing else filtered), one row per delivered row with its
    usage_quantity as usage_dbu, and is_held = the row is held in stg_system__rows_quarantined
    (matched on the whole row's JSON, computed the same way as there).
#}
{% macro raw_billing_rows() -%}
    select
        raw_rows.*,
        held_rows.row_json is not null as is_held
    from (
        select distinct
            coalesce(cast(source_rows.workspace_id as string), '(null)') as workspace_id,
            source_rows.usage_date,
            cast(source_rows.usage_start_time as date) as window_date,
            coalesce(source_rows.usage_metadata.warehouse_id, '(missing)') as warehouse_id,
            source_rows.usage_metadata.warehouse_id is not null
            or source_rows.billing_origin_product = 'SQL' as is_sql_warehouse_usage,
            coalesce(cast(source_rows.usage_quantity as double), 0.0) as usage_dbu,
            {{ genie_analytics.row_to_json('source_rows') }} as row_json
        from {{ source('billing', 'usage') }} as source_rows
    ) as raw_rows
    left join (
        select distinct row_json from {{ ref('stg_system__rows_quarantined') }}
        where source_table = 'billing.usage'
    ) as held_rows
        on raw_rows.row_json = held_rows.row_json
{%- endmacro %}

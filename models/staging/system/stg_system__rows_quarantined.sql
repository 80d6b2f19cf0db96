{#
    One row per system-table row that staging did not keep: a null key or required column, a
    key delivered with conflicting content, or a held billing value class (see
    classify_system_rows and billing_quarantine_reasons, the rules the staging models apply).
    Same-row deliveries are collapsed, not quarantined.

    One model for all system tables rather than one per table: one place to look, one grain,
    and the data-quality mart counts it in one pass. It reads each source a second time through
    the same macro as its staging model (a documented exception to "one source() per table"):
    a staging model can write only one relation, and a shared macro keeps the two sides
    identical. query.history is read with check_conflicts=false (null keys only), so this view
    does not deduplicate 10M statements a day.
#}
{%- set tables = [
    {'source': ('billing', 'usage'), 'keys': ['record_id'], 'required': ['workspace_id', 'usage_date', 'usage_start_time', 'usage_end_time'],
     'extra': genie_analytics.billing_quarantine_reasons(), 'workspace': 'workspace_id', 'date': 'usage_date', 'dbu': 'usage_quantity'},
    {'source': ('billing', 'list_prices'), 'keys': ['account_id', 'sku_name', 'cloud', 'usage_unit', 'currency_code', 'price_start_time'],
     'workspace': none, 'date': 'price_start_time'},
    {'source': ('query', 'history'), 'keys': ['workspace_id', 'statement_id'], 'required': ['start_time'], 'check_conflicts': false,
     'workspace': 'workspace_id', 'date': 'start_time'},
    {'source': ('access', 'audit'), 'keys': ['event_id'], 'required': ['event_time'], 'workspace': 'workspace_id', 'date': 'event_date',
     'where': "service_name = 'aibiGenie'"},
    {'source': ('access', 'workspaces_latest'), 'keys': ['workspace_id'], 'workspace': 'workspace_id', 'date': 'create_time'},
    {'source': ('compute', 'warehouses'), 'keys': ['workspace_id', 'warehouse_id', 'change_time'], 'workspace': 'workspace_id', 'date': 'change_time'},
    {'source': ('compute', 'warehouse_events'), 'keys': ['workspace_id', 'warehouse_id', 'event_time', 'event_type'], 'workspace': 'workspace_id', 'date': 'event_time'},
    {'source': ('compute', 'clusters'), 'keys': ['workspace_id', 'cluster_id', 'change_time'], 'workspace': 'workspace_id', 'date': 'change_time'},
    {'source': ('lakeflow', 'jobs'), 'keys': ['workspace_id', 'job_id', 'change_time'], 'workspace': 'workspace_id', 'date': 'change_time'},
    {'source': ('lakeflow', 'job_run_timeline'), 'keys': ['workspace_id', 'run_id', 'period_start_time'], 'workspace': 'workspace_id', 'date': 'period_start_time'},
] -%}

with

{% for table in tables -%}
{%- set source_name, table_name = table['source'] %}
source_{{ loop.index }} as (
    select * from {{ source(source_name, table_name) }}
    {%- if table.get('where') %}
    where {{ table['where'] }}
    {%- endif %}
),

classified_{{ loop.index }} as (
    {{ genie_analytics.classify_system_rows(
        'source_' ~ loop.index, table['keys'],
        required_columns=table.get('required', []),
        extra_reasons=table.get('extra', []),
        check_conflicts=table.get('check_conflicts', true)) }}
),

quarantined_{{ loop.index }} as (
    select
        '{{ source_name }}.{{ table_name }}' as source_table,
        '{{ table["keys"] | join(", ") }}' as key_columns,
        {% for key in table['keys'] -%}
        coalesce(cast({{ key }} as {{ dbt.type_string() }}), 'null'){% if not loop.last %} || '|' || {% endif %}
        {%- endfor %} as key_value,
        _quarantine_reason as quarantine_reason,
        {% if table['workspace'] -%}
        cast({{ table['workspace'] }} as {{ dbt.type_string() }})
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as workspace_id,
        {% if table.get('dbu') -%}
        cast({{ table['dbu'] }} as decimal(38, 18))
        {%- else -%}
        cast(null as decimal(38, 18))
        {%- endif %} as held_dbu,
        cast({{ table['date'] }} as date) as row_date,
        _row_json as row_json
    from classified_{{ loop.index }}
    where _quarantine_reason is not null
),

{% endfor -%}
final as (
    {% for table in tables -%}
    select * from quarantined_{{ loop.index }}
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}
)

select * from final

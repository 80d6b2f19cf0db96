{#
    Governance on Databricks (README "Security and retention"): ONE mapping of principals
    to workspaces, seed `workspace_access` (the API's authorisation reads the same seed), becomes
    one Unity Catalog row filter function that every public mart with a workspace_id column
    carries (dbt-databricks' own `row_filter` config, set once for the marts in dbt_project.yml),
    and two column-mask functions (query / question text; e-mail addresses).

    Why a function generated from the seed, not a function that looks the seed up: Databricks
    documents a mapping-table lookup inside a filter as nesting, which MERGE into the table does
    not support (the marts replace whole days today, but a MERGE must stay possible), and
    recommends simple CASE logic (Databricks docs,
    "Row filters and column masks", limitations). So the seed's rows are read when the seed is
    loaded and written into the function body as literals:

        create or replace function <catalog>.<schema>.genie_workspace_row_filter(workspace_id string)
        returns boolean
        return
            current_user() = '<identity that runs dbt>'              -- writes through its own filter
            or is_account_group_member('platform-admins')            -- is_admin GROUP row
            or lower(current_user()) = 'admin@acme-corp.com'          -- is_admin USER row
            or (is_account_group_member('finops') and workspace_id in ('6298...', '6754...'))
            or (lower(current_user()) = 'olivia.smith@acme-corp.com' and workspace_id in ('6298...'))

    USER and SERVICE_PRINCIPAL rows match current_user() (an e-mail; a service principal's
    application id), GROUP rows is_account_group_member() (account-level groups, as Databricks
    recommends over is_member()). A principal with no row sees no row. The identity running dbt
    is always let through (Databricks does not document what a MERGE writer sees through a filter
    on its own target; reference "open points" 9).

    The same predicate is rendered with literal identities on DuckDB by the singular test
    tests/singular/governance/assert_row_filter_matches_workspace_access.sql.
#}

{# Principal names become SQL literals: only the characters e-mails, group names and application
   ids use are accepted; anything else is a clear error, never an injection. #}
{% macro governance_literal(value, what) -%}
    {%- set text = (value | string | trim) -%}
    {%- if not modules.re.match('^[A-Za-z0-9 ._@+-]{1,255}$', text) -%}
        {%- do exceptions.raise_compiler_error(
            'workspace_access: ' ~ what ~ ' ' ~ (text | tojson) ~ ' is not a plain principal or'
            ~ ' workspace id (letters, digits, space and . _ @ + - only)') -%}
    {%- endif -%}
    {{- "'" ~ text ~ "'" -}}
{%- endmacro %}


{# The seed's rows as a list of dicts (principal lower-cased and trimmed like the API does), or
   none when the seed table does not exist yet (first deployment, before `dbt seed`). #}
{% macro workspace_access_rows() -%}
    {#- From dbt's graph, not ref(): a ref() in an on-run-start hook is refused (no DAG edge). -#}
    {%- set node = graph.nodes.get('seed.genie_analytics.workspace_access') -%}
    {%- set seed = none if node is none else adapter.get_relation(
        database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
    {%- if seed is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query(
        'select lower(trim(principal)) as principal, upper(trim(principal_type)) as principal_type, '
        ~ 'cast(workspace_id as ' ~ dbt.type_string() ~ ') as workspace_id, is_admin from ' ~ seed
        ~ ' order by 2, 1, 3') -%}
    {%- set rows = [] -%}
    {%- for row in result.rows -%}
        {%- do rows.append({
            'principal': row[0], 'principal_type': row[1],
            'workspace_id': (row[2] | string | trim) if row[2] is not none else '',
            'is_admin': row[3] in (true, 'true', 'True', 1)}) -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}


{#
    The policy as one SQL boolean expression over `workspace_column`.
      rows: workspace_access_rows();
      user_sql: SQL of the caller's identity (e.g. "lower(current_user())");
      group_member_sql: SQL with the placeholder {group}, true when the caller is in that group
        (e.g. "is_account_group_member({group})").
    Returns `false` when no row grants anything.
#}
{% macro workspace_access_predicate(rows, workspace_column, user_sql, group_member_sql) -%}
    {%- set grants = {} -%}
    {%- set order = [] -%}
    {%- for row in rows or [] -%}
        {%- if row.principal_type not in ('USER', 'SERVICE_PRINCIPAL', 'GROUP') -%}
            {%- do exceptions.raise_compiler_error(
                'workspace_access: principal_type ' ~ (row.principal_type | tojson)
                ~ ' of ' ~ row.principal ~ ' is not USER, SERVICE_PRINCIPAL or GROUP') -%}
        {%- endif -%}
        {%- set kind = 'GROUP' if row.principal_type == 'GROUP' else 'USER' -%}
        {%- set key = kind ~ ':' ~ row.principal -%}
        {%- if key not in grants -%}
            {%- do grants.update({key: {'kind': kind, 'principal': row.principal, 'admin': false, 'workspaces': []}}) -%}
            {%- do order.append(key) -%}
        {%- endif -%}
        {%- if row.is_admin -%}
            {%- do grants[key].update({'admin': true}) -%}
        {%- elif row.workspace_id -%}
            {%- do grants[key].workspaces.append(genie_analytics.governance_literal(row.workspace_id, 'workspace_id')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set terms = [] -%}
    {%- for key in order -%}
        {%- set grant = grants[key] -%}
        {%- set literal = genie_analytics.governance_literal(grant.principal, 'principal') -%}
        {%- set who = group_member_sql.replace('{group}', literal) if grant.kind == 'GROUP' else '(' ~ user_sql ~ ' = ' ~ literal ~ ')' -%}
        {%- if grant.admin -%}
            {%- do terms.append(who) -%}
        {%- elif grant.workspaces -%}
            {%- do terms.append('(' ~ who ~ ' and ' ~ workspace_column ~ ' in (' ~ (grant.workspaces | unique | sort | join(', ')) ~ '))') -%}
        {%- endif -%}
    {%- endfor -%}
    {{- ('(' ~ (terms | join('\n        or ')) ~ ')') if terms else 'false' -}}
{%- endmacro %}


{#
    Create (or replace) the row filter and the two mask functions on Databricks; nothing on
    DuckDB and Spark (no Unity Catalog: there the API's authorisation and the per-workspace
    report are the policy, README "Security and retention"). Called by on-run-start (so the
    functions exist before any mart is created WITH ROW FILTER) and by the seed's post-hook (so a
    changed mapping applies as soon as it is loaded). Until the seed exists only the identity
    running dbt passes the filter.
#}
{% macro create_governance_functions() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {{ return(adapter.dispatch('create_governance_functions', 'genie_analytics')()) }}
{%- endmacro %}

{% macro default__create_governance_functions() -%}
    {{ return('') }}
{%- endmacro %}

{% macro databricks__create_governance_functions() -%}
    {%- if flags.WHICH not in ('build', 'run', 'seed', 'snapshot', 'retry', 'run-operation') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set schema_relation = api.Relation.create(database=target.database, schema=target.schema) -%}
    {%- do adapter.create_schema(schema_relation) -%}
    {%- for statement in genie_analytics.governance_function_statements(
            genie_analytics.workspace_access_rows(), genie_analytics.governance_writer()) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}


{# The identity that runs dbt (current_user() of this session), as a literal; none if unknown. #}
{% macro governance_writer() -%}
    {%- set result = run_query('select current_user() as writer') -%}
    {%- if result is none or (result.rows | length) == 0 or result.rows[0][0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(genie_analytics.governance_literal(result.rows[0][0], 'current_user()')) }}
{%- endmacro %}


{# The three CREATE FUNCTION statements (Databricks SQL; documented shapes: a row filter is a
   scalar SQL UDF returning BOOLEAN, a mask's first parameter is the masked column and it returns
   the column's type). Separate from their execution so the offline check and tests can read them. #}
{% macro governance_function_statements(rows, writer) -%}
    {%- set schema = target.database ~ '.' ~ target.schema -%}
    {%- set writer_sql = ('current_user() = ' ~ writer) if writer else 'false' -%}
    {%- set privileged = writer_sql ~ ' or is_account_group_member('
        ~ genie_analytics.governance_literal(var('governance_privileged_group'), 'governance_privileged_group') ~ ')' -%}
    {%- set predicate = genie_analytics.workspace_access_predicate(
        rows, 'workspace_id', 'lower(current_user())', 'is_account_group_member({group})') -%}
    {%- set statements = [] -%}
    {%- do statements.append(
        'create or replace function ' ~ schema ~ '.' ~ 'genie_workspace_row_filter'
        ~ '(workspace_id string)\nreturns boolean\n'
        ~ "comment 'genie_analytics row filter: workspaces granted by seed workspace_access (generated by dbt)'\n"
        ~ 'return ' ~ writer_sql ~ '\n        or ' ~ predicate) -%}
    {%- do statements.append(
        'create or replace function ' ~ schema ~ '.' ~ 'genie_mask_text'
        ~ '(text_value string)\nreturns string\n'
        ~ "comment 'genie_analytics column mask: query and question text, readable by the privileged group only'\n"
        ~ 'return ' ~ genie_analytics.text_mask_sql('text_value', privileged)) -%}
    {%- do statements.append(
        'create or replace function ' ~ schema ~ '.' ~ 'genie_mask_email'
        ~ '(principal_value string)\nreturns string\n'
        ~ "comment 'genie_analytics column mask: e-mail addresses become a stable pseudonymous id outside the privileged group'\n"
        ~ 'return ' ~ genie_analytics.email_mask_sql('principal_value', privileged)) -%}
    {{ return(statements) }}
{%- endmacro %}


{#
    The two mask bodies, over `value_sql`, for a caller for whom `privileged_sql` is true or not.
    Shared by the Databricks functions and the DuckDB test
    tests/singular/governance/assert_column_masks_hide_text_and_emails.sql.
      text:   the value for the privileged; otherwise '[masked]' (null stays null);
      e-mail: the value for the privileged, for null and for a value without '@' (a service
              principal's application id); otherwise 'user-' and the first 16 hex digits of
              sha256(lower(value)): stable, so per-user figures still group, not reversible
              without guessing the address.
#}
{% macro text_mask_sql(value_sql, privileged_sql) -%}
    case when {{ privileged_sql }} then {{ value_sql }} when {{ value_sql }} is null then null else '[masked]' end
{%- endmacro %}

{% macro email_mask_sql(value_sql, privileged_sql) -%}
    case
        when {{ privileged_sql }} or {{ value_sql }} is null or {{ value_sql }} not like '%@%' then {{ value_sql }}
        else concat('user-', substr({{ genie_analytics.sha256_hex('lower(' ~ value_sql ~ ')') }}, 1, 16))
    end
{%- endmacro %}

{# Lower-case hex SHA-256 of a string expression. #}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'genie_analytics')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}


{#
    Post-hook of every mart (dbt_project.yml): on Databricks, sets the text mask on the columns
    named in var('governance_masked_text_columns') and the e-mail mask on those in
    var('governance_masked_email_columns'), for each such column the model declares, with the
    documented `ALTER TABLE ... ALTER COLUMN ... SET MASK`. The masks are already in the table's
    CREATE (macros/governance/column_masks_at_create.sql); this re-applies them, idempotently,
    and masks a table created before they were (its next incremental run). Nothing elsewhere.
#}
{% macro apply_column_masks() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {{ return(adapter.dispatch('apply_column_masks', 'genie_analytics')()) }}
{%- endmacro %}

{% macro default__apply_column_masks() -%}
    {{ return('') }}
{%- endmacro %}

{% macro databricks__apply_column_masks() -%}
    {%- for statement in genie_analytics.column_mask_statements(this, model) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}

{# {lower-case column name: qualified mask function} of var('governance_masked_text_columns')
   and var('governance_masked_email_columns'): the columns that carry a mask wherever a masked
   model (one with the apply_column_masks post-hook) has them. #}
{% macro column_mask_functions() -%}
    {%- set schema = target.database ~ '.' ~ target.schema -%}
    {%- set masks = {} -%}
    {%- for column in var('governance_masked_text_columns') -%}
        {%- do masks.update({column | lower: schema ~ '.' ~ 'genie_mask_text'}) -%}
    {%- endfor -%}
    {%- for column in var('governance_masked_email_columns') -%}
        {%- do masks.update({column | lower: schema ~ '.' ~ 'genie_mask_email'}) -%}
    {%- endfor -%}
    {{ return(masks) }}
{%- endmacro %}

{% macro column_mask_statements(relation, node) -%}
    {%- set statements = [] -%}
    {%- if node.config.materialized not in ('table', 'incremental') -%}
        {{ return(statements) }}
    {%- endif -%}
    {%- set masks = genie_analytics.column_mask_functions() -%}
    {%- for name in node.columns.keys() | sort -%}
        {%- if name | lower in masks -%}
            {%- do statements.append('alter table ' ~ relation ~ ' alter column `' ~ name ~ '` set mask ' ~ masks[name | lower]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements) }}
{%- endmacro %}


{# The audit rows of Unity Catalog table reads (stg_system__audit_table_reads and its quarantine
   entry in stg_system__rows_quarantined share it). #}
{% macro audit_table_read_filter() -%}
    service_name = 'unityCatalog'
    and action_name in ({% for action in var('audit_table_read_actions') %}'{{ action }}'{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}


{# `schema.table` (lower case) of every relation this project builds or lands: models, seeds,
   snapshots, the retention archives and the Genie landing tables, from dbt's graph. A unit test
   (which has no graph) names them in var('audit_project_tables'). #}
{% macro project_table_names() -%}
    {%- if var('audit_project_tables', none) is not none -%}
        {{ return(var('audit_project_tables') | map('lower') | list) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- if execute and graph.get('nodes') -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type in ('model', 'seed', 'snapshot') -%}
                {%- do names.append((node.schema ~ '.' ~ (node.alias or node.name)) | lower) -%}
                {%- for hook in node.config.get('post-hook') or [] -%}
                    {%- if 'apply_retention' in (hook.sql if hook is mapping else hook | string) -%}
                        {%- do names.append((node.schema ~ '.' ~ (node.alias or node.name) ~ '_archive') | lower) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for node in graph.sources.values() -%}
            {%- if (node.source_meta or {}).get('genie_landing', false) -%}
                {%- do names.append((node.schema ~ '.' ~ node.identifier) | lower) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names | unique | sort) }}
{%- endmacro %}

{#
    Seeds on dbt-spark's `session` method (our local Spark test target) are loaded by
    substituting each value into the SQL as '<value>' with no escaping, so a seed cell holding
    an apostrophe (e.g. "the warehouse's auto-stop") breaks the INSERT. This override escapes
    backslashes and quotes in string cells. It assumes the session method, the only `spark`
    target this project defines (the method is not visible to Jinja); production on Databricks
    uses dbt-databricks, whose own databricks__load_csv_rows dispatches first.
    Hand-written: it works around a dbt-spark limitation that no reachable package fixes.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set statements = [] %}

    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set bindings = [] %}
        {% for row in chunk %}
            {% for value in row %}
                {% if value is string %}
                    {% do bindings.append(value | replace('\\', '\\\\') | replace("'", "\\'")) %}
                {% else %}
                    {% do bindings.append(value) %}
                {% endif %}
            {% endfor %}
        {% endfor %}

        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ get_binding_char() }} as {{ type }})
                    {%- if not loop.last %},{%- endif %}
                {%- endfor -%})
                {%- if not loop.last %},{%- endif %}
            {%- endfor %}
        {% endset %}

        {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}

    {{ return(statements[0]) }}
{% endmacro %}

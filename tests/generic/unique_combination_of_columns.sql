{#
    Fails for every combination of `combination_of_columns` that appears more than once.
    Same name and arguments as dbt_utils.unique_combination_of_columns (dbt_utils is not
    installable here), so switching to the package later is a one-line change:

        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [workspace_id, statement_id]
                quote_columns: false
#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
    {%- if quote_columns -%}
        {%- set column_list = [] -%}
        {%- for column in combination_of_columns -%}
            {%- do column_list.append(adapter.quote(column)) -%}
        {%- endfor -%}
    {%- else -%}
        {%- set column_list = combination_of_columns -%}
    {%- endif -%}
    {%- set columns_csv = column_list | join(', ') -%}

    with validation_errors as (
        select
            {{ columns_csv }},
            count(*) as n_records
        from {{ model }}
        group by {{ columns_csv }}
        having count(*) > 1
    )

    select * from validation_errors
{% endtest %}

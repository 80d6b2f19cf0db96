{#
    Bounds on query.history values before they weigh in the cost attribution.
    Source of the bound: Databricks SQL's statement timeout is 2 days at most
    (var cost_max_query_days, default 2), so no statement runs longer.
#}

{#
    The end of a statement's span for allocation and utilisation: a negative span (clock skew)
    becomes zero-length, and so does a span longer than the statement timeout (e.g. end_time
    9999-12-31): no statement can run that long, so that end is not a real one, and cutting it at
    started_at + timeout would still invent two days of busy time. Zero-length, it cannot reach
    more windows nor explode into more hours or days.
#}
{% macro statement_ended_at_bounded(started_at, ended_at) -%}
    case
        when {{ ended_at }} < {{ started_at }} then {{ started_at }}
        when {{ ended_at }} > {{ started_at }} + interval '{{ var("cost_max_query_days") }}' day
            then {{ started_at }}
        else {{ ended_at }}
    end
{%- endmacro %}


{#
    Why a statement gets no cost weight, or null when its weight is sound:
      'exceeds_statement_timeout'  end - start or total_duration_ms longer than the timeout;
      'negative_duration'          the weight column (task time) is negative;
      'weight_exceeds_parallelism_bound'  the weight is more than the wall-clock span (at least
                                   1 ms) times var('cost_max_task_parallelism') task
                                   slots: task time is summed over parallel tasks, so it can
                                   exceed wall time, but not by more than the slots that ran
                                   them (10000 is above the largest warehouse cluster; our
                                   choice where the docs are silent). A 9e18 ms task time lands
                                   here instead of taking its whole window.
    Such a statement stays in its windows with weight 0 (the others share the window); it is
    counted in genie_data_quality.
#}
{% macro statement_weight_exclusion_reason(started_at, ended_at, weight_column) -%}
    case
        when
            {{ ended_at }} > {{ started_at }} + interval '{{ var("cost_max_query_days") }}' day
            or total_duration_ms > {{ var("cost_max_query_days") * 86400000 }}
            then 'exceeds_statement_timeout'
        when {{ weight_column }} < 0 then 'negative_duration'
        when
            {{ weight_column }}
            > greatest(
                cast({{ genie_analytics.epoch_microseconds(ended_at) }} - {{ genie_analytics.epoch_microseconds(started_at) }} as double) / 1000.0,
                1.0
            ) * {{ var('cost_max_task_parallelism') }}
            then 'weight_exceeds_parallelism_bound'
    end
{%- endmacro %}

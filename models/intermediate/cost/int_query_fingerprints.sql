{#
    One row per deduplicated query: its normalised text and fingerprint. Both are computed in
    stg_system__query_history (see there why); this view is the name the optimiser and the docs
    use for them.
#}
{{ config(materialized='view') }}

select
    workspace_id,
    statement_id,
    query_date,
    normalized_statement_text,
    query_fingerprint
from {{ ref('stg_system__query_history') }}

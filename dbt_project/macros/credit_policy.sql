{#- The credit policy's parameters, each a dbt var `credit_<name>` with the default below
    (override with --vars). Kept in one place so credit_limits, clients_al_dia and the
    tests read the same values (DECISIONLOG: credit limits). -#}
{% macro credit_policy(name) -%}
    {%- set defaults = {
        'exposure_net_of_unapplied_cash': false,
        'grade_factors': {'A': 1.2, 'B': 1.0, 'C': 0.8, 'D': 0.5, 'E': 0},
        'ungraded_factor': 1.0,
        'concentration_cap_pct': 5,
        'limit_rounding': 500,
        'review_months': 12,
        'utilisation_review_pct': 90,
        'concentration_review_pct': 10,
    } -%}
    {{ return(var('credit_' ~ name, defaults[name])) }}
{%- endmacro %}

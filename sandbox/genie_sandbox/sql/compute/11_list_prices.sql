-- Writes system table billing.list_prices.
insert into billing.list_prices
select
    (select account_id from acct),
    ts_ms(coalesce(start_ms, 1704067200000)),
    ts_ms(end_ms),
    sku_name,
    'AWS',
    'USD',
    'DBU',
    struct_pack("default" := list_price::decimal(38, 18),
                promotional := struct_pack("default" := promo_price::decimal(38, 18)),
                effective_list := struct_pack("default" := least(list_price, promo_price)
                                                              ::decimal(38, 18))
    )::{pricing_type},
from prices

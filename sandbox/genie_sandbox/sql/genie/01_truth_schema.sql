-- Writes schema sandbox_truth.
create schema if not exists sandbox_truth

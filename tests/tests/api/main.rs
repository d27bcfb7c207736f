//! One integration-test binary (one link) with a module per area of the API.

mod deployment;
mod foundation;
mod smoke;
mod accounts_contract;
mod reviews_store;
mod profiles_contract;
mod profiles_fake_rtdb;
mod profiles_firebase;
mod profiles;
mod seed;
mod auth_support;
mod auth;
mod auth_attacks;
mod auth_concurrency;
mod reviews_api;
mod catalog_api;
mod catalog_cache;
mod people_api;
mod cache_near;
mod recommend;
mod recommend_store;

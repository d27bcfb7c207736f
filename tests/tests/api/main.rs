//! One integration-test binary (one link) with a module per area of the API.

mod accounts_contract;
mod auth;
mod auth_attacks;
mod auth_concurrency;
mod auth_support;
mod cache_near;
mod cache_shared;
mod catalog_api;
mod catalog_cache;
mod catalog_fixtures;
mod catalog_store;
mod cross_function;
mod deployment;
mod foundation;
mod people_api;
mod pools;
mod profiles;
mod profiles_contract;
mod profiles_fake_rtdb;
mod profiles_firebase;
mod recommend;
mod recommend_store;
mod reviews_api;
mod reviews_store;
mod seed;
mod smoke;

//! What several nodes on one PostgreSQL database share beyond the log: agents' presence per node,
//! and which node delivers a push channel's chat. These are coordination, not units of work, so
//! they go straight to the pool.

use std::collections::{HashMap, HashSet};

use super::{OutboxRow, Store};
use crate::channel::Channel;
use crate::error::BotError;

impl Store {
    /// This node's open agent consoles (agent id → sockets), replacing what it said before; rows of
    /// nodes silent since `forget_before` go (those nodes died).
    pub async fn write_presence(&self, node: &str, online: &HashMap<String, usize>, now: i64, forget_before: i64) -> Result<(), BotError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM agent_presence WHERE node = $1 OR seen_at < $2").bind(node).bind(forget_before).execute(&mut *tx).await?;
        for (agent, sockets) in online.iter().filter(|(_, n)| **n > 0) {
            sqlx::query("INSERT INTO agent_presence (node, agent_id, sockets, seen_at) VALUES ($1, $2, $3, $4)")
                .bind(node)
                .bind(agent)
                .bind(i32::try_from(*sockets).unwrap_or(i32::MAX))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Agents with an open console on any node heard from since `since`.
    pub async fn online_agents(&self, since: i64) -> Result<HashSet<String>, BotError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT agent_id FROM agent_presence WHERE sockets > 0 AND seen_at >= $1").bind(since).fetch_all(&self.pool).await?;
        Ok(ids.into_iter().collect())
    }

    /// A node leaving: its agents are offline at once.
    pub async fn forget_node(&self, node: &str) -> Result<(), BotError> {
        sqlx::query("DELETE FROM agent_presence WHERE node = $1").bind(node).execute(&self.pool).await?;
        sqlx::query("UPDATE outbox_leases SET until_at = 0 WHERE node = $1").bind(node).execute(&self.pool).await?;
        Ok(())
    }

    /// Takes (or keeps) the delivery of up to `limit` chats with replies waiting whose lease is free,
    /// ran out, or is this node's, until `until`, and returns their pending replies, oldest first.
    /// Two nodes never hold one chat: a lease row being taken is skipped by the other (`SKIP LOCKED`).
    pub async fn lease_outbox(&self, channel: Channel, node: &str, now: i64, until: i64, limit: i64) -> Result<Vec<OutboxRow>, BotError> {
        sqlx::query(
            "INSERT INTO outbox_leases (channel, address, node, until_at) \
             SELECT DISTINCT channel, address, '', 0 FROM outbox WHERE status = 'pending' AND channel = $1 \
             ON CONFLICT (channel, address) DO NOTHING",
        )
        .bind(channel.as_str())
        .execute(&self.pool)
        .await?;
        sqlx::query(
            "UPDATE outbox_leases SET node = $2, until_at = $3 WHERE channel = $1 AND address IN ( \
               SELECT l.address FROM outbox_leases l WHERE l.channel = $1 AND (l.until_at < $4 OR l.node = $2) \
               AND EXISTS (SELECT 1 FROM outbox o WHERE o.channel = l.channel AND o.address = l.address AND o.status = 'pending') \
               ORDER BY l.address LIMIT $5 FOR UPDATE SKIP LOCKED)",
        )
        .bind(channel.as_str())
        .bind(node)
        .bind(until)
        .bind(now)
        .bind(limit)
        .execute(&self.pool)
        .await?;
        Ok(sqlx::query_as(
            "SELECT o.id, o.address, o.payload, o.attempts, o.next_attempt_at FROM outbox o \
             JOIN outbox_leases l ON l.channel = o.channel AND l.address = o.address \
             WHERE o.status = 'pending' AND o.channel = $1 AND l.node = $2 AND l.until_at >= $3 ORDER BY o.id LIMIT $4",
        )
        .bind(channel.as_str())
        .bind(node)
        .bind(now)
        .bind(limit * 4)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Lets go of chats with nothing left to deliver, so the next reply of one is free to any node.
    pub async fn release_idle_leases(&self, channel: Channel, node: &str) -> Result<(), BotError> {
        sqlx::query(
            "UPDATE outbox_leases SET until_at = 0 WHERE channel = $1 AND node = $2 AND until_at > 0 \
             AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.channel = outbox_leases.channel AND o.address = outbox_leases.address AND o.status = 'pending')",
        )
        .bind(channel.as_str())
        .bind(node)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

//! The life of a lead: new → contacted → qualified → won | lost.
//!
//! The rules:
//! - An open lead (new, contacted, qualified) may move forward, skip ahead (a walk-in who is
//!   ready to buy is qualified at once), or step back one stage (qualified → contacted when
//!   the deal cools); it never goes back to `new`, which means "nobody has talked to them".
//! - Any open lead may be lost, and losing one needs a reason.
//! - `won` is reached only by converting the lead into a customer (which is not a status
//!   change a client may ask for), and a won lead is read-only for good.
//! - A lost lead may be reopened to `contacted` (the prospect called back), unless it was
//!   lost as a duplicate merged into another lead: that one stays closed, its history lives
//!   on in the lead it was merged into.
//! - Any open lead can be converted; Splynx and Sonar allow the same, and insisting on
//!   `qualified` first would only make agents click twice on the phone.
//! - Setting the status a lead already has changes nothing and is allowed.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Won,
    Lost,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 5] = [
        LeadStatus::New,
        LeadStatus::Contacted,
        LeadStatus::Qualified,
        LeadStatus::Won,
        LeadStatus::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Contacted => "contacted",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Won => "won",
            LeadStatus::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            LeadStatus::New | LeadStatus::Contacted | LeadStatus::Qualified
        )
    }
}

impl fmt::Display for LeadStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a status change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a converted lead is read-only")]
    Converted,
    #[error("a lead merged into another one cannot be changed")]
    Merged,
    #[error("a lead is won only by converting it")]
    WonOnlyByConversion,
    #[error("losing a lead needs a reason")]
    ReasonRequired,
    #[error("a lead cannot go from {from} to {to}")]
    Illegal { from: LeadStatus, to: LeadStatus },
}

/// Decides whether a lead in `from` (merged into another lead when `merged`) may be set to
/// `to`; `lost_reason` is the reason given with the change.
pub fn transition(
    from: LeadStatus,
    merged: bool,
    to: LeadStatus,
    lost_reason: Option<&str>,
) -> Result<(), TransitionError> {
    use LeadStatus::*;
    if from == Won {
        return Err(TransitionError::Converted);
    }
    if merged {
        return Err(TransitionError::Merged);
    }
    if from == to {
        return Ok(());
    }
    match (from, to) {
        (_, Won) => Err(TransitionError::WonOnlyByConversion),
        (_, Lost) if lost_reason.is_none_or(|r| r.trim().is_empty()) => {
            Err(TransitionError::ReasonRequired)
        }
        (New | Contacted | Qualified, Lost)
        | (New, Contacted | Qualified)
        | (Contacted, Qualified)
        | (Qualified, Contacted)
        | (Lost, Contacted) => Ok(()),
        (from, to) => Err(TransitionError::Illegal { from, to }),
    }
}

/// Whether a lead may be converted into a customer.
pub fn conversion(from: LeadStatus, merged: bool) -> Result<(), TransitionError> {
    match from {
        LeadStatus::Won => Err(TransitionError::Converted),
        _ if merged => Err(TransitionError::Merged),
        LeadStatus::Lost => Err(TransitionError::Illegal {
            from,
            to: LeadStatus::Won,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::LeadStatus::*;
    use super::*;

    /// The whole table: `from` × `to`, with a reason given, for an unmerged lead.
    #[test]
    fn the_transition_table() {
        let allowed = [
            (New, New),
            (New, Contacted),
            (New, Qualified),
            (New, Lost),
            (Contacted, Contacted),
            (Contacted, Qualified),
            (Contacted, Lost),
            (Qualified, Qualified),
            (Qualified, Contacted),
            (Qualified, Lost),
            (Lost, Lost),
            (Lost, Contacted),
        ];
        for from in LeadStatus::ALL {
            for to in LeadStatus::ALL {
                let result = transition(from, false, to, Some("price"));
                assert_eq!(
                    result.is_ok(),
                    allowed.contains(&(from, to)),
                    "{from} → {to}: {result:?}"
                );
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            transition(Won, false, Lost, Some("x")),
            Err(TransitionError::Converted)
        );
        assert_eq!(
            transition(Lost, true, Contacted, None),
            Err(TransitionError::Merged)
        );
        assert_eq!(
            transition(Qualified, false, Won, None),
            Err(TransitionError::WonOnlyByConversion)
        );
        assert_eq!(
            transition(New, false, Lost, None),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            transition(New, false, Lost, Some("  ")),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            transition(Contacted, false, New, None),
            Err(TransitionError::Illegal {
                from: Contacted,
                to: New
            })
        );
    }

    #[test]
    fn any_open_lead_converts() {
        for from in [New, Contacted, Qualified] {
            assert_eq!(conversion(from, false), Ok(()));
        }
        assert_eq!(conversion(Won, false), Err(TransitionError::Converted));
        assert_eq!(conversion(Lost, true), Err(TransitionError::Merged));
        assert!(matches!(
            conversion(Lost, false),
            Err(TransitionError::Illegal { .. })
        ));
    }
}

//! Shared machinery for enumerations stored as strings (crate-private).
//!
//! `string_enum!` declares a fieldless enum together with its wire names: `as_str`, exact `parse`,
//! `Display`, `FromStr`, `ALL`, and validating serde. With `lifecycle = "entity";` it also adds
//! `transition_to`, which checks the enum's own `can_transition_to` table and reports
//! [`DomainError::InvalidTransition`](crate::DomainError::InvalidTransition), so every status machine
//! fails the same way.

/// See the module documentation.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)+
        }
        field = $field:literal;
        $(lifecycle = $entity:literal;)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(try_from = "String", into = "&'static str"))]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            #[doc = concat!("The stable wire name (", $("`", $wire, "` "),+, ").")]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            #[doc = concat!(
                "Parses an exact wire name (case-sensitive, no trimming).\n\n",
                "# Errors\n\n",
                "[`DomainError::Validation`](crate::DomainError::Validation) with `UnknownValue` on field `",
                $field, "`."
            )]
            pub fn parse(input: &str) -> $crate::DomainResult<Self> {
                match input {
                    $($wire => Ok(Self::$variant),)+
                    _ => Err($crate::DomainError::invalid(
                        $field,
                        $crate::ValidationReason::UnknownValue,
                    )),
                }
            }
        }

        $(
            impl $name {
                /// Returns `to` when [`Self::can_transition_to`] allows the move.
                ///
                /// # Errors
                ///
                #[doc = concat!(
                    "[`DomainError::InvalidTransition`](crate::DomainError::InvalidTransition) with entity `",
                    $entity, "` otherwise (including staying in the same status)."
                )]
                pub fn transition_to(self, to: Self) -> $crate::DomainResult<Self> {
                    if self.can_transition_to(to) {
                        Ok(to)
                    } else {
                        Err($crate::DomainError::InvalidTransition {
                            entity: $entity,
                            from: self.as_str(),
                            to: to.as_str(),
                        })
                    }
                }
            }
        )?

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::DomainError;

            fn from_str(input: &str) -> Result<Self, $crate::DomainError> {
                Self::parse(input)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::DomainError;

            fn try_from(input: String) -> Result<Self, $crate::DomainError> {
                Self::parse(&input)
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> Self {
                value.as_str()
            }
        }
    };
}

pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    use crate::error::{DomainError, ValidationReason};

    string_enum! {
        /// A test enum.
        pub enum Light {
            /// Stop.
            Red => "RED",
            /// Go.
            Green => "GREEN",
        }
        field = "light";
        lifecycle = "light";
    }

    impl Light {
        fn can_transition_to(self, to: Self) -> bool {
            self != to
        }
    }

    #[test]
    fn wire_names_round_trip() {
        for light in Light::ALL {
            assert_eq!(Light::parse(light.as_str()), Ok(*light));
            assert_eq!(light.to_string().parse::<Light>(), Ok(*light));
            assert_eq!(Light::try_from(light.as_str().to_owned()), Ok(*light));
        }
    }

    #[test]
    fn parse_is_exact() {
        for input in ["red", " RED", "YELLOW", ""] {
            assert_eq!(
                Light::parse(input),
                Err(DomainError::invalid(
                    "light",
                    ValidationReason::UnknownValue
                ))
            );
        }
    }

    #[test]
    fn transition_to_follows_the_table() {
        assert_eq!(Light::Red.transition_to(Light::Green), Ok(Light::Green));
        assert_eq!(
            Light::Red.transition_to(Light::Red),
            Err(DomainError::InvalidTransition {
                entity: "light",
                from: "RED",
                to: "RED"
            })
        );
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGovernmentBond} from "../interfaces/IGovernmentBond.sol";
import {ITokenErrors} from "../interfaces/ITokenErrors.sol";
import {LegMovements} from "./LegMovements.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {SettlementRegister} from "./SettlementRegister.sol";
import {FailureReason, Leg} from "./Trade.sol";

/// @title Primary issuance of a bond by competitive tender, settled DvP
/// @notice The bond's registered issuer opens a tender; each bidder submits its own bids (units and
/// the highest price per unit it will pay, each valid until a time it chooses). A bid is firm: its
/// full cost, `units × pricePerUnit`, moves into this contract's custody when it is submitted. After
/// the close the issuer allots, and in one transaction every successful bidder's allotted cost goes
/// from custody to the proceeds account, its units are issued, and every bid's unallotted cost is
/// returned — or nothing happens. A bidder is never debited more than its own bid at its own price.
///
/// Allotment rules (stated here and in README):
/// - **price priority**: bids are accepted from the highest price down until the amount on offer
///   is used up; equal prices are one price level;
/// - **pro rata at the cut-off price**: when the bids at the lowest accepted price (the cut-off)
///   ask for more than remains, each gets `floor(units × remaining / asked at cut-off)` rounded
///   down to the tender's minimum lot; lots left over by that rounding go one lot each to the
///   cut-off bids in the order they were submitted (never beyond a bid's own units);
/// - **minimum lots**: every bid, and every allotment, is a whole multiple of the minimum lot (one
///   HK$50,000 unit for a government bond);
/// - **multiple price**: each accepted bid pays its own price (the programme's competitive tender
///   pays as bid), so no bidder pays more than it offered;
/// - bids withdrawn, rejected by the issuer, or no longer valid when the issuer allots take no part;
/// - only a participant that may hold both the cash token and the bond can bid (asked of each token's
///   `checkTransfer` when it bids), at most `MAX_BIDS_PER_BIDDER` bids each; the issuer may reject
///   any bid before allotment (as the programme reserves the right to), e.g. one whose bidder can no
///   longer receive the bond, which would otherwise fail the whole all-or-nothing allotment. No bid
///   can fail the allotment for want of cash: its cost is in custody from the bid.
///
/// Custody and refunds: a bid's cost is returned to its bidder when it withdraws the bid (before the
/// close), when the issuer rejects it or cancels the tender, and at allotment for whatever of it was
/// not allotted (all of it for a bid no longer valid). A bid is firm from the close only while it can
/// still be allotted: its bidder reclaims it (`reclaimBid`) once the bid has lapsed, the
/// `ALLOTMENT_WINDOW` after the close has passed, or the bond has matured, whichever comes first,
/// with no allotment — so no bidder's cash stays in custody because an issuer does not allot (or
/// cannot: the tender contract frozen on the bond, the bond matured). A refund the cash token would refuse (the
/// bidder frozen, or no longer eligible, since it bid — asked of the token's `checkTransfer`) does
/// not block anyone else: it is parked (`BidRefundParked`) and the bidder claims it itself later
/// (`claimRefund`, `refundOf`). After allotment or cancellation the contract holds, of that tender,
/// exactly its parked refunds.
/// The result (amount applied, allotted, cut-off price, pro rata ratio, average price accepted,
/// proceeds) is stored on chain (`tenderResult`) and emitted (`TenderAllotted`).
/// @dev Consent: the only debit of a bidder is the one its own `submitBid` call makes, of exactly that
/// bid's `units × pricePerUnit`, into custody; from custody cash goes only to the tender's proceeds
/// account (what was allotted, at the bid's own price, against the units minted to the bidder) or
/// back to the bidder. A standing allowance beyond a bid is never spent. The issuer is the account
/// the registrar registered with the asset in the settlement engine (`registerAsset`), never what the
/// asset contract claims; the cash token is the registered one. The settlement engine's pause stops
/// bids, openings and allotments; withdrawals, rejections, cancellations and refund claims stay open.
/// Needs: registration in the participant registry as infrastructure, the central bank's approval
/// to hold its wCBDC (`WholesaleCBDC.setSettlementContract`), and the bond's `ISSUER_ROLE` (to
/// mint); each bidder approves this contract on the cash token for exactly what its bid costs.
contract PrimaryIssuance is LegMovements, ITokenErrors, ReentrancyGuardTransient {
    /// @notice Most bids one tender may hold (keeps allotment far below a block's gas).
    uint256 public constant MAX_BIDS = 50;
    /// @notice Most bids one bidder may submit to one tender, so no bidder can take every slot.
    uint256 public constant MAX_BIDS_PER_BIDDER = 5;
    /// @notice Scale of `TenderResult.proRataRatio`: 1e6 = 100%.
    uint256 public constant RATIO_SCALE = 1e6;
    /// @notice How long after the close the issuer has to allot before every bidder may take its bid
    /// back (`reclaimBid`). The programme allots on the tender day and settles on the issue date one or
    /// two business days later; five days covers that across a weekend and a public holiday (a long
    /// Lunar New Year weekend included) while keeping a bidder's cash out of use for at most about a
    /// business week when no allotment comes. From then on the tender lapses: it can no longer be
    /// allotted (`TenderAllotmentLapsed`), only cancelled, so no bidder holds a free option on a late
    /// allotment (keeping a bid it likes, reclaiming one it does not).
    uint64 public constant ALLOTMENT_WINDOW = 5 days;

    /// @notice Where a tender stands.
    enum TenderState {
        None,
        Open,
        Allotted,
        Cancelled
    }

    /// @notice A tender's terms, fixed when it opens.
    /// @param bond the registered bond on offer.
    /// @param unitsOffered units on offer.
    /// @param minimumLot every bid and allotment is a multiple of this many units.
    /// @param closesAt bids are taken strictly before this time; allotment from it.
    /// @param proceedsAccount receives what allottees pay (the issuer's account at the central bank).
    struct TenderTerms {
        address bond;
        uint256 unitsOffered;
        uint256 minimumLot;
        uint64 closesAt;
        address proceedsAccount;
    }

    /// @notice One bid. `withdrawn`: its bidder withdrew it before the close or reclaimed it after.
    struct Bid {
        address bidder;
        uint64 validUntil;
        bool withdrawn;
        bool rejected;
        uint256 units;
        uint256 pricePerUnit;
        uint256 allotted;
    }

    /// @notice A tender's announced result, in the shape of the HKMA's tender results.
    /// @param unitsApplied units bid for by valid bids.
    /// @param unitsAllotted units issued.
    /// @param cutoffPrice the lowest price accepted (zero if none).
    /// @param highestPrice the highest price accepted.
    /// @param averagePrice proceeds / units allotted, rounded down.
    /// @param proRataRatio share of their units the bids at the cut-off price received, ×1e6.
    /// @param proceeds what the allottees paid, in minor units.
    /// @param allottedAt when.
    struct TenderResult {
        uint256 unitsApplied;
        uint256 unitsAllotted;
        uint256 cutoffPrice;
        uint256 highestPrice;
        uint256 averagePrice;
        uint256 proRataRatio;
        uint256 proceeds;
        uint64 allottedAt;
    }

    struct Tender {
        TenderTerms terms;
        address issuer;
        address cashToken;
        TenderState state;
    }

    SettlementRegister private immutable _engine;

    mapping(bytes32 tenderRef => Tender) private _tenders;
    mapping(bytes32 tenderRef => Bid[]) private _bids;
    mapping(bytes32 tenderRef => TenderResult) private _results;
    mapping(bytes32 tenderRef => mapping(address bidder => uint256)) private _bidsBy;
    mapping(bytes32 tenderRef => mapping(address bidder => uint256)) private _refunds;

    /// @notice The caller is not the registered issuer of `bond`.
    error NotBondIssuer(address caller, address bond);
    /// @notice A tender with this reference exists already.
    error TenderAlreadyExists(bytes32 tenderRef);
    /// @notice Tender `tenderRef` is in `state`, which does not allow this action.
    error TenderInWrongState(bytes32 tenderRef, TenderState state);
    /// @notice The tender's terms are unusable; `term` names the bad one.
    error InvalidTenderTerm(string term);
    /// @notice The tender closed at `closesAt`: no more bids or withdrawals.
    error TenderClosed(bytes32 tenderRef, uint64 closesAt);
    /// @notice The tender closes at `closesAt`: it cannot be allotted before.
    error TenderNotClosed(bytes32 tenderRef, uint64 closesAt);
    /// @notice Tender `tenderRef` was not allotted within `ALLOTMENT_WINDOW` of its close: it lapsed at
    /// `lapsedAt`; it can only be cancelled, and its bids reclaimed.
    error TenderAllotmentLapsed(bytes32 tenderRef, uint64 lapsedAt);
    /// @notice The bid is unusable; `term` names the bad term (e.g. "units" not a multiple of the lot).
    error InvalidBid(string term);
    /// @notice The tender already holds `MAX_BIDS` bids.
    error TooManyBids(bytes32 tenderRef, uint256 max);
    /// @notice `bidder` already submitted `MAX_BIDS_PER_BIDDER` bids to the tender.
    error TooManyBidsFromBidder(bytes32 tenderRef, address bidder, uint256 max);
    /// @notice Bid `index` does not exist, or was withdrawn or rejected already.
    error BidNotLive(bytes32 tenderRef, uint256 index);
    /// @notice Bid `index` of the tender is not the caller's, or does not exist.
    error NotBidder(address caller, bytes32 tenderRef, uint256 index);
    /// @notice No refund of tender `tenderRef` is parked for `bidder`.
    error BidRefundNotOwed(bytes32 tenderRef, address bidder);
    /// @notice A tender closing at `closesAt` is refused: the bond on offer matures at `maturityDate`,
    /// at or before the close, and could never be issued.
    error TenderClosesAfterMaturity(uint64 closesAt, uint64 maturityDate);
    /// @notice `proceedsAccount` cannot receive the proceeds: zero, or this contract (whose custody
    /// holds only bids' cost and parked refunds).
    error InvalidProceedsAccount(address proceedsAccount);
    /// @notice Bid `index` of the tender can still be allotted: it can be reclaimed from `reclaimableFrom`.
    error BidNotReclaimable(bytes32 tenderRef, uint256 index, uint64 reclaimableFrom);

    /// @notice The issuer opened a tender.
    event TenderOpened(bytes32 indexed tenderRef, address indexed bond, address indexed issuer, TenderTerms terms);
    /// @notice `bidder` bid for `units` at up to `pricePerUnit`, valid until `validUntil`; the bid's
    /// cost, `units × pricePerUnit`, moved into this contract's custody.
    event BidSubmitted(
        bytes32 indexed tenderRef,
        address indexed bidder,
        uint256 index,
        uint256 units,
        uint256 pricePerUnit,
        uint64 validUntil
    );
    /// @notice `bidder` withdrew bid `index`.
    event BidWithdrawn(bytes32 indexed tenderRef, address indexed bidder, uint256 index);
    /// @notice `bidder` took back bid `index` after the close, the issuer not having allotted it in time
    /// (the bid lapsed, the allotment window passed or the bond matured): it takes no part in allotment.
    event BidReclaimed(bytes32 indexed tenderRef, address indexed bidder, uint256 index);
    /// @notice The issuer rejected bid `index` of `bidder`: it takes no part in allotment.
    event BidRejected(bytes32 indexed tenderRef, address indexed bidder, uint256 index);
    /// @notice Bid `index` was allotted `units` and paid `amount` (units × its own price).
    event BondAllotted(
        address indexed bond,
        bytes32 indexed tenderRef,
        address indexed allottee,
        uint256 index,
        uint256 units,
        uint256 amount
    );
    /// @notice The tender was allotted and settled, with its result.
    event TenderAllotted(bytes32 indexed tenderRef, address indexed bond, TenderResult result);
    /// @notice The issuer cancelled an open tender; no bid was allotted, every live bid's cost was returned.
    event TenderCancelled(bytes32 indexed tenderRef);
    /// @notice `amount` of bid `index`'s cost (all of it, or what was not allotted) went back from
    /// custody to `bidder`.
    event BidRefunded(bytes32 indexed tenderRef, address indexed bidder, uint256 index, uint256 amount);
    /// @notice The cash token would refuse `amount` of bid `index`'s refund to `bidder` (frozen, or no
    /// longer eligible): it stays in custody, claimable by the bidder (`claimRefund`).
    event BidRefundParked(bytes32 indexed tenderRef, address indexed bidder, uint256 index, uint256 amount);
    /// @notice `bidder` claimed `amount` of parked refunds of the tender.
    event BidRefundClaimed(bytes32 indexed tenderRef, address indexed bidder, uint256 amount);

    /// @param engine_ the settlement engine whose asset register and pause this contract follows.
    constructor(SettlementRegister engine_) {
        if (address(engine_) == address(0)) revert ZeroAddress();
        _engine = engine_;
    }

    /// @dev Reverts `EnforcedPause` while the settlement engine is paused.
    modifier whenNotPaused() {
        if (_engine.paused()) revert Pausable.EnforcedPause();
        _;
    }

    // ------------------------------------------------------------ issuer

    /// @notice Opens tender `tenderRef` for `terms.unitsOffered` units of `terms.bond`.
    /// @dev Requirements: not paused; the bond is registered and the caller is its registered issuer
    /// and the bond's own `issuer()` (`NotBondIssuer`: a registrar naming another issuer cannot issue
    /// it), eligible in the participant registry (not frozen, KYC valid);
    /// the reference is new; units offered and minimum lot are non-zero and the offer is a whole
    /// number of lots; the close is in the future and before the bond's maturity
    /// (`TenderClosesAfterMaturity`); the proceeds account is neither zero nor this contract
    /// (`InvalidProceedsAccount`).
    /// @param tenderRef the tender's reference.
    /// @param terms the tender's terms.
    function openTender(bytes32 tenderRef, TenderTerms calldata terms) external whenNotPaused {
        SettlementRegister.AssetLine memory line = _engine.assetLine(terms.bond);
        if (line.issuer == address(0)) revert AssetNotRegistered(terms.bond);
        // The registration and the bond itself must agree: the registrar alone cannot hand a bond to
        // another issuer (finding S6); the bond's issuer is fixed when the bond is deployed.
        if (line.issuer != msg.sender || IGovernmentBond(terms.bond).issuer() != msg.sender) {
            revert NotBondIssuer(msg.sender, terms.bond);
        }
        _engine.participantRegistry().requireEligible(msg.sender);
        if (_tenders[tenderRef].state != TenderState.None) revert TenderAlreadyExists(tenderRef);
        if (terms.minimumLot == 0) revert InvalidTenderTerm("minimumLot");
        if (terms.unitsOffered == 0 || terms.unitsOffered % terms.minimumLot != 0) revert InvalidTenderTerm("unitsOffered");
        if (terms.closesAt <= block.timestamp) revert InvalidTenderTerm("closesAt");
        uint64 maturity = IGovernmentBond(terms.bond).maturityDate();
        if (terms.closesAt >= maturity) revert TenderClosesAfterMaturity(terms.closesAt, maturity);
        if (terms.proceedsAccount == address(0) || terms.proceedsAccount == address(this)) {
            revert InvalidProceedsAccount(terms.proceedsAccount);
        }
        _tenders[tenderRef] = Tender(terms, msg.sender, line.cashToken, TenderState.Open);
        emit TenderOpened(tenderRef, terms.bond, msg.sender, terms);
    }

    /// @notice Allots tender `tenderRef` by the rules above and settles every allotment DvP: each
    /// allotted bid's units at its own price go from custody to the proceeds account and the units
    /// are minted to the bidder; what each bid did not get (all of a bid no longer valid) is returned
    /// to its bidder, or parked for it to claim when the cash token would refuse it.
    /// @dev Requirements: not paused; the bond is still registered with the engine and the caller is
    /// still its registered issuer (`AssetNotRegistered` / `NotBondIssuer` otherwise); the tender is
    /// open and closed to bids, and within `ALLOTMENT_WINDOW` of its close (`TenderAllotmentLapsed`).
    /// Reverts `SettlementLegFailed` (the leg, token and reason), minting and moving nothing, if a mint
    /// is refused (an allottee that can no longer hold the bond), this contract is frozen on the bond
    /// (`AccountFrozen`, asset leg: a frozen issuing agent issues nothing), or the proceeds account
    /// cannot be paid; the issuer may then reject that bid and allot again (within the window), or
    /// cancel, and bidders reclaim their bids once the window has passed. No bidder's cash can fail it:
    /// every bid's cost is in custody.
    /// @param tenderRef the tender.
    /// @return result the announced result.
    function allotTender(bytes32 tenderRef) external nonReentrant whenNotPaused returns (TenderResult memory result) {
        Tender storage tender = _requireOpenTender(tenderRef);
        if (tender.issuer != msg.sender) revert NotBondIssuer(msg.sender, tender.terms.bond);
        // The register may have changed since the opening: no tender of a deregistered bond, or by an
        // issuer the registrar replaced, settles.
        address registeredIssuer = _engine.assetLine(tender.terms.bond).issuer;
        if (registeredIssuer == address(0)) revert AssetNotRegistered(tender.terms.bond);
        if (registeredIssuer != msg.sender) revert NotBondIssuer(msg.sender, tender.terms.bond);
        _engine.participantRegistry().requireEligible(msg.sender);
        if (block.timestamp < tender.terms.closesAt) revert TenderNotClosed(tenderRef, tender.terms.closesAt);
        uint256 lapsesAt = _lapsesAt(tender);
        // Reached, the lapse is a past time: a uint64.
        if (block.timestamp >= lapsesAt) revert TenderAllotmentLapsed(tenderRef, uint64(lapsesAt));
        tender.state = TenderState.Allotted;

        Bid[] storage bids = _bids[tenderRef];
        uint256[] memory order = _byPrice(bids);
        result = _allot(bids, order, tender.terms.unitsOffered, tender.terms.minimumLot);
        result.allottedAt = uint64(block.timestamp);

        for (uint256 k = 0; k < order.length; ++k) {
            Bid storage bid = bids[order[k]];
            result.proceeds += bid.allotted * bid.pricePerUnit;
        }
        if (result.unitsAllotted != 0) result.averagePrice = result.proceeds / result.unitsAllotted;
        _results[tenderRef] = result;

        address bond = tender.terms.bond;
        address cash = tender.cashToken;
        if (result.unitsAllotted != 0) _requireNotFrozenOn(Leg.Asset, bond);
        for (uint256 k = 0; k < order.length; ++k) {
            Bid storage bid = bids[order[k]];
            if (bid.allotted == 0) continue;
            _mintAsset(bond, bid.bidder, bid.allotted);
            emit BondAllotted(bond, tenderRef, bid.bidder, order[k], bid.allotted, bid.allotted * bid.pricePerUnit);
        }
        // Every allotted cost is in custody: one payment of the proceeds.
        if (result.proceeds != 0) _moveOut(Leg.Cash, cash, tender.terms.proceedsAccount, result.proceeds);
        for (uint256 i = 0; i < bids.length; ++i) {
            Bid storage bid = bids[i];
            if (bid.withdrawn || bid.rejected) continue; // its custody went back already
            _returnCustody(tenderRef, cash, bid.bidder, i, (bid.units - bid.allotted) * bid.pricePerUnit);
        }
        emit TenderAllotted(tenderRef, bond, result);
    }

    /// @notice Rejects bid `index` of open tender `tenderRef`: it takes no part in allotment, and its
    /// cost goes back to its bidder (parked for it to claim when the cash token would refuse it).
    /// @dev Requirements: the caller is the tender's issuer; the tender is open (before or after the
    /// close); the bid exists and is neither withdrawn nor rejected. Works while the engine is paused.
    /// @param tenderRef the tender.
    /// @param index the bid.
    function rejectBid(bytes32 tenderRef, uint256 index) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        if (tender.issuer != msg.sender) revert NotBondIssuer(msg.sender, tender.terms.bond);
        Bid[] storage bids = _bids[tenderRef];
        if (index >= bids.length || bids[index].withdrawn || bids[index].rejected) revert BidNotLive(tenderRef, index);
        Bid storage bid = bids[index];
        bid.rejected = true;
        emit BidRejected(tenderRef, bid.bidder, index);
        _returnCustody(tenderRef, tender.cashToken, bid.bidder, index, bid.units * bid.pricePerUnit);
    }

    /// @notice Cancels open tender `tenderRef`: nothing is allotted, and every live bid's cost goes
    /// back to its bidder (parked for it to claim when the cash token would refuse it).
    /// @dev Requirements: the caller is the tender's issuer; it is open. At most `MAX_BIDS` refunds.
    /// Works while the engine is paused.
    /// @param tenderRef the tender.
    function cancelTender(bytes32 tenderRef) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        if (tender.issuer != msg.sender) revert NotBondIssuer(msg.sender, tender.terms.bond);
        tender.state = TenderState.Cancelled;
        emit TenderCancelled(tenderRef);
        Bid[] storage bids = _bids[tenderRef];
        address cash = tender.cashToken;
        for (uint256 i = 0; i < bids.length; ++i) {
            Bid storage bid = bids[i];
            if (bid.withdrawn || bid.rejected) continue; // its custody went back already
            _returnCustody(tenderRef, cash, bid.bidder, i, bid.units * bid.pricePerUnit);
        }
    }

    // ------------------------------------------------------------ bidders

    /// @notice Bids for `units` of tender `tenderRef` at up to `pricePerUnit`, valid until `validUntil`.
    /// @dev Requirements: not paused; the tender is open and not closed; `units` is a non-zero multiple
    /// of the minimum lot, at most the units on offer; the price is non-zero; `validUntil` is at or after the close; fewer than
    /// `MAX_BIDS` bids so far and fewer than `MAX_BIDS_PER_BIDDER` from the caller; the caller may pay
    /// this contract in the cash token and hold the bond (each token's `checkTransfer`, reverting with
    /// the token's own error); this contract is not frozen on the bond (`SettlementLegFailed`
    /// AccountFrozen, asset leg: it could never allot the bid); the caller has approved this contract
    /// on the tender's cash token for, and holds, the bid's cost `units × pricePerUnit`, which this call takes into custody
    /// (`SettlementLegFailed` with the token's reason otherwise, nothing recorded or moved). The call
    /// is the caller's consent to pay at most that cost; what is not allotted comes back.
    /// @param tenderRef the tender.
    /// @param units units bid for.
    /// @param pricePerUnit the highest price per unit the bidder pays, in minor units.
    /// @param validUntil after this time the bid takes no part in allotment.
    /// @return index the bid's number in the tender.
    function submitBid(
        bytes32 tenderRef,
        uint256 units,
        uint256 pricePerUnit,
        uint64 validUntil
    ) external nonReentrant whenNotPaused returns (uint256 index) {
        Tender storage tender = _requireOpenTender(tenderRef);
        if (block.timestamp >= tender.terms.closesAt) revert TenderClosed(tenderRef, tender.terms.closesAt);
        if (units == 0 || units > tender.terms.unitsOffered || units % tender.terms.minimumLot != 0) {
            revert InvalidBid("units");
        }
        if (pricePerUnit == 0) revert InvalidBid("pricePerUnit");
        if (validUntil < tender.terms.closesAt) revert InvalidBid("validUntil");
        Bid[] storage bids = _bids[tenderRef];
        index = bids.length;
        if (index >= MAX_BIDS) revert TooManyBids(tenderRef, MAX_BIDS);
        if (++_bidsBy[tenderRef][msg.sender] > MAX_BIDS_PER_BIDDER) {
            revert TooManyBidsFromBidder(tenderRef, msg.sender, MAX_BIDS_PER_BIDDER);
        }
        uint256 cost = units * pricePerUnit;
        // A bidder that could neither pay nor receive the bond would only block the allotment.
        ITransferCompliance(tender.cashToken).checkTransfer(msg.sender, address(this), cost);
        ITransferCompliance(tender.terms.bond).checkTransfer(address(0), msg.sender, units);
        // Nor is a bid taken that this contract, frozen on the bond, could never allot.
        _requireNotFrozenOn(Leg.Asset, tender.terms.bond);
        bids.push(Bid(msg.sender, validUntil, false, false, units, pricePerUnit, 0));
        emit BidSubmitted(tenderRef, msg.sender, index, units, pricePerUnit, validUntil);
        _move(Leg.Cash, FailureReason.InsufficientCash, tender.cashToken, msg.sender, address(this), cost);
    }

    /// @notice Withdraws the caller's bid `index` before the tender closes; its cost comes back to the
    /// caller (parked for it to claim when the cash token would refuse it).
    /// @dev Requirements: the tender is open and not closed; the bid is the caller's and neither
    /// withdrawn nor rejected (`NotBidder` otherwise). Works while the engine is paused.
    /// @param tenderRef the tender.
    /// @param index the bid.
    function withdrawBid(bytes32 tenderRef, uint256 index) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        if (block.timestamp >= tender.terms.closesAt) revert TenderClosed(tenderRef, tender.terms.closesAt);
        Bid[] storage bids = _bids[tenderRef];
        if (index >= bids.length || bids[index].bidder != msg.sender || bids[index].withdrawn || bids[index].rejected) {
            revert NotBidder(msg.sender, tenderRef, index);
        }
        Bid storage bid = bids[index];
        bid.withdrawn = true;
        emit BidWithdrawn(tenderRef, msg.sender, index);
        _returnCustody(tenderRef, tender.cashToken, msg.sender, index, bid.units * bid.pricePerUnit);
    }

    /// @notice Takes back the caller's bid `index` after the close when the issuer has not allotted it in
    /// time: its cost comes back to the caller (parked for it to claim when the cash token would refuse
    /// it), and it takes no part in a later allotment.
    /// @dev Requirements: the tender is open (neither allotted nor cancelled: those returned every bid's
    /// custody already, `TenderInWrongState`); the bid is the caller's and neither withdrawn, reclaimed
    /// nor rejected (`NotBidder`); the bid has lapsed (after its `validUntil`), or the close plus
    /// `ALLOTMENT_WINDOW` or the bond's maturity has come (`BidNotReclaimable` with the earliest of
    /// those times otherwise). The bid is marked withdrawn before its custody moves. Works while the
    /// engine is paused.
    /// @param tenderRef the tender.
    /// @param index the bid.
    function reclaimBid(bytes32 tenderRef, uint256 index) external nonReentrant {
        Tender storage tender = _requireOpenTender(tenderRef);
        Bid[] storage bids = _bids[tenderRef];
        if (index >= bids.length || bids[index].bidder != msg.sender || bids[index].withdrawn || bids[index].rejected) {
            revert NotBidder(msg.sender, tenderRef, index);
        }
        Bid storage bid = bids[index];
        // In 256 bits: a bid valid until type(uint64).max lapses never, not at zero.
        uint256 from = uint256(bid.validUntil) + 1;
        uint256 lapsesAt = _lapsesAt(tender);
        if (lapsesAt < from) from = lapsesAt;
        uint256 maturity = IGovernmentBond(tender.terms.bond).maturityDate();
        if (maturity < from) from = maturity;
        // `from` is at most the maturity, a uint64.
        if (block.timestamp < from) revert BidNotReclaimable(tenderRef, index, uint64(from));
        bid.withdrawn = true;
        emit BidReclaimed(tenderRef, msg.sender, index);
        _returnCustody(tenderRef, tender.cashToken, msg.sender, index, bid.units * bid.pricePerUnit);
    }

    /// @notice Pays the caller the refunds of tender `tenderRef` that were parked for it.
    /// @dev Requirements: a refund is parked for the caller (`BidRefundNotOwed`); the cash token
    /// accepts the payment now (`SettlementLegFailed` with its reason otherwise, e.g. still frozen).
    /// Only the bidder itself can claim, and only to itself. Works while the engine is paused.
    /// @param tenderRef the tender.
    /// @return amount what was paid.
    function claimRefund(bytes32 tenderRef) external nonReentrant returns (uint256 amount) {
        amount = _refunds[tenderRef][msg.sender];
        if (amount == 0) revert BidRefundNotOwed(tenderRef, msg.sender);
        delete _refunds[tenderRef][msg.sender];
        emit BidRefundClaimed(tenderRef, msg.sender, amount);
        _moveOut(Leg.Cash, _tenders[tenderRef].cashToken, msg.sender, amount);
    }

    // -------------------------------------------------------------- views

    /// @notice The settlement engine whose asset register and pause this contract follows.
    /// @return the engine.
    function engine() external view returns (SettlementRegister) {
        return _engine;
    }

    /// @notice Tender `tenderRef`'s terms, issuer, cash token and state.
    /// @param tenderRef the tender.
    /// @return the tender.
    function tenderOf(bytes32 tenderRef) external view returns (Tender memory) {
        return _tenders[tenderRef];
    }

    /// @notice Every bid of tender `tenderRef`, in submission order, with what each was allotted.
    /// @param tenderRef the tender.
    /// @return the bids.
    function bidsOf(bytes32 tenderRef) external view returns (Bid[] memory) {
        return _bids[tenderRef];
    }

    /// @notice What of tender `tenderRef` is parked for `bidder` to claim (`claimRefund`).
    /// @param tenderRef the tender.
    /// @param bidder the bidder.
    /// @return the amount, in the tender's cash token's minor units.
    function refundOf(bytes32 tenderRef, address bidder) external view returns (uint256) {
        return _refunds[tenderRef][bidder];
    }

    /// @notice The result of tender `tenderRef` (zero until allotted).
    /// @param tenderRef the tender.
    /// @return the result.
    function tenderResult(bytes32 tenderRef) external view returns (TenderResult memory) {
        return _results[tenderRef];
    }

    // ----------------------------------------------------------- internal

    /// @dev When `tender` lapses unallotted: its close plus `ALLOTMENT_WINDOW` (in 256 bits, so no
    /// close can overflow it). From then on it cannot be allotted and every bid may be reclaimed.
    function _lapsesAt(Tender storage tender) private view returns (uint256) {
        return uint256(tender.terms.closesAt) + ALLOTMENT_WINDOW;
    }

    function _requireOpenTender(bytes32 tenderRef) private view returns (Tender storage tender) {
        tender = _tenders[tenderRef];
        if (tender.state != TenderState.Open) revert TenderInWrongState(tenderRef, tender.state);
    }

    /// @dev Returns `amount` of bid `index`'s custody to `bidder`, or parks it for `bidder` to claim
    /// when the cash token would refuse the payment: one bidder's frozen or lapsed account never
    /// blocks the refunds, allotment or cancellation of everyone else.
    function _returnCustody(bytes32 tenderRef, address cash, address bidder, uint256 index, uint256 amount) private {
        if (amount == 0) return;
        if (_wouldAcceptMoveOut(cash, bidder, amount)) {
            emit BidRefunded(tenderRef, bidder, index, amount);
            _moveOut(Leg.Cash, cash, bidder, amount);
        } else {
            _refunds[tenderRef][bidder] += amount;
            emit BidRefundParked(tenderRef, bidder, index, amount);
        }
    }


    /// @dev Indices of the bids that take part (not withdrawn, still valid), highest price first,
    /// equal prices in submission order (insertion sort over at most `MAX_BIDS`).
    function _byPrice(Bid[] storage bids) private view returns (uint256[] memory order) {
        uint256 n = bids.length;
        uint256[] memory prices = new uint256[](n);
        uint256[] memory sorted = new uint256[](n);
        uint256 live = 0;
        for (uint256 i = 0; i < n; ++i) {
            Bid storage bid = bids[i];
            if (bid.withdrawn || bid.rejected || bid.validUntil < block.timestamp) continue;
            uint256 price = bid.pricePerUnit;
            uint256 j = live;
            while (j > 0 && prices[j - 1] < price) {
                prices[j] = prices[j - 1];
                sorted[j] = sorted[j - 1];
                --j;
            }
            prices[j] = price;
            sorted[j] = i;
            ++live;
        }
        order = new uint256[](live);
        for (uint256 k = 0; k < live; ++k) order[k] = sorted[k];
    }

    /// @dev Writes each bid's allotment (price priority, pro rata at the cut-off in lots, leftover
    /// lots in submission order) and returns the result's unit and price figures.
    function _allot(
        Bid[] storage bids,
        uint256[] memory order,
        uint256 offered,
        uint256 lot
    ) private returns (TenderResult memory result) {
        uint256 remaining = offered;
        uint256 k = 0;
        while (k < order.length) {
            uint256 price = bids[order[k]].pricePerUnit;
            uint256 end = k;
            uint256 asked = 0;
            while (end < order.length && bids[order[end]].pricePerUnit == price) asked += bids[order[end++]].units;
            result.unitsApplied += asked;
            if (remaining != 0) {
                if (result.highestPrice == 0) result.highestPrice = price;
                result.cutoffPrice = price;
                uint256 given = asked <= remaining
                    ? _allotWhole(bids, order, k, end)
                    : _allotProRata(bids, order, k, end, remaining, asked, lot);
                result.proRataRatio = (given * RATIO_SCALE) / asked;
                result.unitsAllotted += given;
                remaining -= given;
            }
            k = end;
        }
    }

    function _allotWhole(Bid[] storage bids, uint256[] memory order, uint256 from, uint256 to) private returns (uint256 given) {
        for (uint256 k = from; k < to; ++k) {
            Bid storage bid = bids[order[k]];
            bid.allotted = bid.units;
            given += bid.units;
        }
    }

    function _allotProRata(
        Bid[] storage bids,
        uint256[] memory order,
        uint256 from,
        uint256 to,
        uint256 remaining,
        uint256 asked,
        uint256 lot
    ) private returns (uint256 given) {
        for (uint256 k = from; k < to; ++k) {
            Bid storage bid = bids[order[k]];
            uint256 share = ((bid.units * remaining) / asked / lot) * lot;
            bid.allotted = share;
            given += share;
        }
        // Leftover lots, one each in submission order (`order` keeps it within a price level).
        for (uint256 k = from; k < to && remaining - given >= lot; ++k) {
            Bid storage bid = bids[order[k]];
            if (bid.allotted + lot > bid.units) continue;
            bid.allotted += lot;
            given += lot;
        }
    }
}
